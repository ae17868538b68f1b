import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { ensureBareHostImage, ensureNetworks, LABEL_KIND, LABEL_LAB, LABEL_NODE, networkName, removeLabResources } from "@odoo-ha-lab/docker";
import { nodeRelease, type ReleaseName, type Topology } from "@odoo-ha-lab/topology";
import { runProcess } from "../../src/openssh.ts";

/**
 * Bare Debian machines for the SSH target's tests, each of its node's release (the lab's, Debian 12
 * for an app node: nodeRelease): one container per topology node at its
 * address, systemd as PID 1, reachable only over SSH with a key generated per test run. Docker is
 * the hardware here: the tests create, start and kill these containers, and never exec into them.
 */

export interface BareHosts {
  dir: string;
  /** The private key every machine accepts (for root, and for `admin`, who has passwordless sudo). */
  key: string;
  /** A key no machine accepts. */
  wrongKey: string;
  docker: Dockerode;
}

export async function generateKey(path: string): Promise<void> {
  const result = await runProcess("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "odoo-ha-lab test", "-f", path], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

export async function startBareHosts(topology: Topology, onProgress: (message: string) => void = () => {}): Promise<BareHosts> {
  const docker = new Dockerode();
  await removeLabResources(docker, topology.name);
  // One image per release the machines run, built side by side (their apt downloads overlap).
  const releases = [...new Set(topology.nodes.map((node) => nodeRelease(topology, node)))];
  const images = new Map<ReleaseName, string>(await Promise.all(releases.map(async (release) => [release, await ensureBareHostImage(docker, { onProgress, release })] as const)));
  const dir = mkdtempSync(join(tmpdir(), `${topology.name}-`));
  const key = join(dir, "id_ed25519");
  const wrongKey = join(dir, "wrong_ed25519");
  await generateKey(key);
  await generateKey(wrongKey);
  // What a provider's cloud-init would do: the machine accepts this key (for every user).
  const authorized = join(dir, "authorized_keys");
  writeFileSync(authorized, readFileSync(`${key}.pub`), { mode: 0o644 });

  // The same labelled network the Docker target makes: the machines' L2 segment.
  await ensureNetworks(docker, topology);
  const network = networkName(topology.name);
  await Promise.all(
    topology.nodes.map(async (node) => {
      const container = await docker.createContainer({
        name: `${topology.name}-${node.name}`,
        Hostname: node.name,
        Image: images.get(nodeRelease(topology, node))!,
        Labels: { [LABEL_LAB]: topology.name, [LABEL_NODE]: node.name, [LABEL_KIND]: "node" },
        HostConfig: {
          NetworkMode: network,
          // "Privileged" is refused by this engine (it lacks CAP_SYS_RESOURCE itself): every other
          // capability, no seccomp/apparmor filter, as root on a server has. systemd needs the cgroup tree.
          CapAdd: ["ALL"],
          CapDrop: ["SYS_RESOURCE"],
          SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
          Tmpfs: { "/run": "rw,exec,mode=755,size=64m", "/run/lock": "rw,mode=755,size=8m", "/tmp": "rw,exec,mode=1777" },
          Binds: ["/sys/fs/cgroup:/sys/fs/cgroup:ro", `${authorized}:/etc/ssh/lab_authorized_keys:ro`],
          Devices: [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }],
          ExtraHosts: topology.nodes.map((other) => `${other.name}:${other.address}`),
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: node.address } } } },
      });
      await container.start();
    }),
  );
  return { dir, key, wrongKey, docker };
}

/** Waits until sshd answers on every machine (systemd boots it), by logging in: a condition, not a sleep. */
export async function waitForSsh(topology: Topology, key: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of topology.nodes) {
    for (;;) {
      const result = await runProcess(
        "ssh",
        ["-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", key, `root@${node.address}`, "systemctl is-active ssh"],
        { timeoutMs: 10_000 },
      );
      if (result.exitCode === 0) break;
      if (Date.now() > deadline) throw new Error(`sshd on ${node.name} (${node.address}) did not answer within ${timeoutMs / 1000} s: ${result.stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** `power`: the machines' power switch for the kill-node fault is the engine (`docker kill` / `docker start`). */
export function writeInventory(dir: string, topology: Topology, options: { key: string; user?: string; sudo?: boolean; name?: string; power?: boolean }): string {
  const path = join(dir, options.name ?? "inventory.yaml");
  mkdirSync(dir, { recursive: true });
  const lines = ["defaults:", `  user: ${options.user ?? "root"}`, `  identityFile: ${options.key}`, `  sudo: ${options.sudo ?? false}`, "nodes:"];
  for (const node of topology.nodes) {
    lines.push(`  ${node.name}:`, `    host: ${node.address}`);
    if (options.power) lines.push(`    powerOff: "docker kill ${topology.name}-${node.name}"`, `    powerOn: "docker start ${topology.name}-${node.name}"`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

export async function removeBareHosts(topology: Topology): Promise<void> {
  await removeLabResources(new Dockerode(), topology.name);
}
