import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATHS, PORTS, generateSecrets, renderEtcdConfig, renderHaproxyConfig, renderKeepalivedCheckScript, renderKeepalivedConfig, renderKeepalivedLeaveScript, renderPatroniConfig } from "@odoo-ha-lab/roles";
import { waitFor, type Host } from "@odoo-ha-lab/machine";
import { findNode, loadTopologyFile, nodesWithRole } from "@odoo-ha-lab/topology";
import { DockerHost, ensureDockerEngine, ensureLabImages } from "../src/index.ts";

/**
 * The rendered configuration files, checked by the real tools of each release's lab image: what
 * haproxy, keepalived, patroni and etcd themselves accept, not what a regex thinks they should.
 * (odoo.conf is proven by the end-to-end lab test, where Odoo runs on it.)
 */
const DEFAULT_LAB = fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url));
/** The default lab (Debian 13), and the same lab on Debian 12. */
const RELEASE_LABS = [loadTopologyFile(DEFAULT_LAB), loadTopologyFile(DEFAULT_LAB, { release: "debian-12" })];
const secrets = generateSecrets();
let docker: Dockerode;
/** A node container of each release's image, by release. */
const hosts = new Map<string, Host>();
const containerOf = (release: string) => `odoo-ha-lab-test-configs-${release}`;

beforeAll(async () => {
  docker = await ensureDockerEngine({ install: false });
  for (const topology of RELEASE_LABS) {
    const images = await ensureLabImages(docker, { odoo: { image: topology.odoo.image, source: process.env.LAB_ODOO_SOURCE }, release: topology.release });
    const name = containerOf(topology.release);
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    const container = await docker.createContainer({
      name,
      Image: images.node,
      Labels: { "odoo-ha-lab.test": "configs" },
      // NET_ADMIN: the Patroni check gives the lab's etcd addresses to this machine's loopback.
      HostConfig: { CapAdd: ["NET_ADMIN"], Tmpfs: { "/run": "rw,exec,size=16m" } },
    });
    await container.start();
    hosts.set(topology.release, new DockerHost(docker, "test", name));
  }
}, 900_000);

afterAll(async () => {
  for (const topology of RELEASE_LABS) await docker?.getContainer(containerOf(topology.release)).remove({ force: true }).catch(() => undefined);
});

async function checkOn(host: Host, command: string[]): Promise<string> {
  const result = await host.exec(command);
  expect(result.exitCode, `${command.join(" ")}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout + result.stderr;
}

describe.each(RELEASE_LABS.map((topology) => [topology.release, topology] as const))("rendered configs pass the real tools of %s", (release, topology) => {
  let host: Host;
  beforeAll(() => {
    host = hosts.get(release)!;
  });
  const check = (command: string[]) => checkOn(host, command);

  /**
   * Patroni's validator requires every etcd endpoint to accept a TCP connection. Here the endpoints'
   * addresses are this machine's own: without that, the connects leave through Docker's default bridge,
   * which drops packets to another bridge's subnet, and each one hangs for the kernel's SYN retries
   * (about two minutes).
   */
  async function etcdAddressesOnLoopback(): Promise<void> {
    for (const member of nodesWithRole(topology, "etcd")) await check(["ip", "address", "replace", `${member.address}/32`, "dev", "lo"]);
  }

  it("haproxy -c accepts haproxy.cfg", async () => {
    await host.writeFile({ path: PATHS.haproxyConfig, content: renderHaproxyConfig(topology, findNode(topology, "lb1")) });
    // -V: HAProxy 3.0 says nothing of a valid file without it (2.6 did).
    expect(await check(["haproxy", "-c", "-V", "-f", PATHS.haproxyConfig])).toMatch(/Configuration file is valid/);
  });

  it("keepalived --config-test accepts keepalived.conf for both holders", async () => {
    await host.writeFile({ path: PATHS.keepalivedCheckScript, content: renderKeepalivedCheckScript(), mode: 0o755 });
    await host.writeFile({ path: PATHS.keepalivedLeaveScript, content: renderKeepalivedLeaveScript(), mode: 0o755 });
    for (const holder of topology.vip.holders) {
      await host.writeFile({ path: PATHS.keepalivedConfig, content: renderKeepalivedConfig(topology, findNode(topology, holder), "eth0") });
      await check(["keepalived", "--config-test", "--use-file", PATHS.keepalivedConfig]);
    }
  });

  it("the VIP-leave script closes the server side of every session through HAProxy", async () => {
    // A database stand-in that reports each connection it accepts and each one that ends (HAProxy 2.6
    // ends the server side with a FIN, 3.0 with a reset: either ends the session).
    const server = "import socket\ns = socket.create_server(('127.0.0.1', 15432))\nwhile True:\n    c, _ = s.accept()\n    print('accepted', flush=True)\n    try:\n        while c.recv(1024): pass\n    except ConnectionResetError:\n        pass\n    print('closed', flush=True)\n";
    // A client that opens a session through HAProxy and keeps it, as a transaction between two statements does.
    const client = "import socket, time\nc = socket.create_connection(('127.0.0.1', 15433))\nc.sendall(b'BEGIN')\ntime.sleep(600)\n";
    const config = ["global", `    stats socket ${PATHS.haproxyAdminSocket} mode 600 level admin`, "defaults", "    mode tcp", "    timeout connect 2s", "    timeout client 30m", "    timeout server 30m", "listen postgres_rw", "    bind 127.0.0.1:15433", "    server db 127.0.0.1:15432", ""].join("\n");
    await host.writeFile({ path: "/etc/haproxy/leave-test.cfg", content: config });
    await host.writeFile({ path: PATHS.keepalivedLeaveScript, content: renderKeepalivedLeaveScript(), mode: 0o755 });
    await host.services.apply({ name: "haproxy-leave-test", command: ["haproxy", "-db", "-f", "/etc/haproxy/leave-test.cfg"] });
    let seen = "";
    const running = [
      await host.spawn!(["python3", "-c", server], (text) => (seen += text)),
      await host.spawn!(["python3", "-c", client], () => undefined),
    ];
    try {
      const saw = (what: string) => waitFor(`the database side to see '${what}'`, async () => (seen.includes(what) ? { done: true, value: true } : { done: false, observation: JSON.stringify(seen) }), { timeoutMs: 10_000, intervalMs: 100 });
      await saw("accepted");
      // keepalived's arguments on leaving MASTER: INSTANCE <name> BACKUP <priority>.
      const leave = await check([PATHS.keepalivedLeaveScript, "INSTANCE", "lab_vip", "BACKUP", "150"]);
      expect(leave).toMatch(/shut the sessions of 1 server/);
      // Without the script the session would stay open for `timeout client`: 30 minutes.
      expect(await saw("closed")).toBe(true);
    } finally {
      for (const command of running) await command.stop();
      await host.services.stop("haproxy-leave-test");
    }
  });

  it("patroni --validate-config accepts patroni.yml", async () => {
    await host.writeFile({ path: PATHS.patroniConfig, content: renderPatroniConfig(topology, findNode(topology, "postgresql1"), secrets), mode: 0o600, owner: "postgres" });
    await etcdAddressesOnLoopback();
    const listener = await host.spawn!(["python3", "-c", `import socket, time\ns = socket.create_server(('0.0.0.0', ${PORTS.etcdClient}))\nprint('listening', flush=True)\ntime.sleep(600)\n`], () => undefined);
    try {
      await waitFor("a listener on etcd's client port", async () => ((await host.exec(["python3", "-c", `import socket; socket.create_connection(('127.0.0.1', ${PORTS.etcdClient}), 1)`])).exitCode === 0 ? { done: true, value: true } : { done: false, observation: "not listening" }), { timeoutMs: 10_000, intervalMs: 100 });
      await check(["su", "postgres", "-s", "/bin/sh", "-c", `patroni --validate-config ${PATHS.patroniConfig}`]);
    } finally {
      await listener.stop();
    }
  });

  it("patroni --validate-config rejects a patroni.yml whose etcd is unreachable (the check above is not vacuous)", async () => {
    await host.writeFile({ path: PATHS.patroniConfig, content: renderPatroniConfig(topology, findNode(topology, "postgresql1"), secrets), mode: 0o600, owner: "postgres" });
    await etcdAddressesOnLoopback();
    const result = await host.exec(["su", "postgres", "-s", "/bin/sh", "-c", `patroni --validate-config ${PATHS.patroniConfig}`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/etcd3\.hosts\.0 .* is not reachable/);
  });

  it("etcd starts from etcd.conf.yml and reports itself healthy", async () => {
    // A one-member variant of lb1's file: the config keys are what is under test, not quorum.
    const single = renderEtcdConfig(topology, findNode(topology, "lb1"))
      .replace(/initial-cluster: .*/, "initial-cluster: lb1=http://127.0.0.1:2380")
      .replace(/initial-advertise-peer-urls: .*/, "initial-advertise-peer-urls: http://127.0.0.1:2380")
      .replace(/advertise-client-urls: .*/, "advertise-client-urls: http://127.0.0.1:2379");
    await host.writeFile({ path: PATHS.etcdConfig, content: single });
    await check(["install", "-d", "-o", "etcd", "-g", "etcd", "-m", "0700", PATHS.etcdDataDir]);
    await host.services.apply({ name: "etcd", command: ["etcd", "--config-file", PATHS.etcdConfig], user: "etcd" });
    const health = await waitFor("etcd to answer its health check", async () => {
      const result = await host.exec(["etcdctl", "--endpoints=http://127.0.0.1:2379", "endpoint", "health"], { env: { ETCDCTL_API: "3" } });
      return result.exitCode === 0 ? { done: true, value: result.stdout + result.stderr } : { done: false, observation: result.stderr.trim() };
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect(health).toContain("is healthy");
    expect(await host.services.state("etcd")).toBe("running");
  });
});

describe("DockerHost", () => {
  let host: Host;
  beforeAll(() => {
    host = hosts.get("debian-12")!;
  });
  const check = (command: string[]) => checkOn(host, command);

  it("writes a file once and reports no change when it is already there", async () => {
    const file = { path: "/etc/lab-test/a.conf", content: "x = 1\n", mode: 0o640, owner: "postgres" };
    expect(await host.writeFile(file)).toBe(true);
    expect(await host.writeFile(file)).toBe(false);
    expect(await check(["stat", "-c", "%a %U", file.path])).toBe("640 postgres\n");
    expect(await host.writeFile({ ...file, content: "x = 2\n" })).toBe(true);
    expect(await host.readFile(file.path)).toBe("x = 2\n");
  });

  it("passes stdin to a command and returns its exit code", async () => {
    const result = await host.exec(["sh", "-c", "cat; exit 3"], { stdin: "hello" });
    expect(result).toMatchObject({ exitCode: 3, stdout: "hello" });
  });

  it("keeps a spawned command running, streams its output, and stop() ends it inside the container", async () => {
    let output = "";
    const running = await host.spawn!(["sh", "-c", 'while :; do echo "tick $0"; sleep 0.1; done', "spawn-test-marker"], (text) => (output += text));
    await waitFor("three ticks", async () => (output.split("\n").length > 3 ? { done: true, value: true } : { done: false, observation: JSON.stringify(output) }), { timeoutMs: 10_000, intervalMs: 100 });
    expect(output).toMatch(/^tick spawn-test-marker\n/); // the wrapper's pid line is not part of the output
    await running.stop();
    await running.ended;
    // The engine would keep the process running without a client: stop() must have killed it in there.
    const left = await waitFor("the loop to end in the container", async () => {
      const ps = await host.exec(["sh", "-c", "ps -eo args | grep -c '[s]pawn-test-marker' || true"]);
      return ps.stdout.trim() === "0" ? { done: true, value: 0 } : { done: false, observation: `${ps.stdout.trim()} processes` };
    }, { timeoutMs: 5_000, intervalMs: 100 });
    expect(left).toBe(0);
  });
});
