import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadInventoryFile } from "@odoo-ha-lab/ssh";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderVagrantfile, VagrantCli, vagrantDestroy, VagrantfileExistsError, vagrantUp, VagrantNotFoundError, writeVagrantfile } from "../src/index.ts";

/** The seed's six machines of the default lab: the recorded ssh-config predates its monitor node. */
const defaultLab = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const topology = { ...defaultLab, nodes: defaultLab.nodes.filter((node) => node.name !== "monitor1") };
const RECORDED = readFileSync(fileURLToPath(new URL("./fixtures/ssh-config-virtualbox-6-machines.txt", import.meta.url)), "utf8");
const PORTS = { lb1: 2222, lb2: 2200, odoo1: 2201, odoo2: 2202, postgresql1: 2203, postgresql2: 2204 };

/**
 * A stand-in for the vagrant binary: appends "<cwd>\t<argv>" to $FAKE_VAGRANT_LOG, prints the recorded
 * ssh-config for `ssh-config`, a machine-readable status from $FAKE_VAGRANT_STATUS, and fails a command
 * named in $FAKE_VAGRANT_FAIL.
 */
const FAKE_VAGRANT = `#!/bin/sh
printf '%s\\t%s\\n' "$(pwd)" "$*" >> "$FAKE_VAGRANT_LOG"
if [ "$1" = "$FAKE_VAGRANT_FAIL" ]; then
  echo "The provider for this Vagrant-managed machine is reporting that it is not yet ready for SSH." >&2
  exit 1
fi
case "$1" in
  up)
    echo "Bringing machine 'lb1' up with '$3' provider..."
    echo "==> lb1: Machine booted and ready!" >&2
    printf '==> lb2: Machine booted and ready!' ;;
  ssh-config) cat "$FAKE_SSH_CONFIG" ;;
  status) cat "$FAKE_VAGRANT_STATUS" ;;
  halt|destroy) ;;
  *) echo "fake vagrant: unexpected $*" >&2; exit 2 ;;
esac
`;

describe("vagrantUp: vagrant up, then ssh-config, then an inventory for the SSH target", () => {
  let work: string;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  let bin: string;

  beforeEach(() => {
    work = realpathSync(mkdtempSync(join(tmpdir(), "vagrant-up-")));
    directory = join(work, ".lab", "odoo-ha", "vagrant");
    bin = join(work, "bin", "vagrant");
    execFileSync("mkdir", ["-p", join(work, "bin")]);
    writeFileSync(bin, FAKE_VAGRANT);
    chmodSync(bin, 0o755);
    writeFileSync(join(work, "ssh-config.txt"), RECORDED);
    env = {
      PATH: process.env.PATH,
      VAGRANT_BIN: bin,
      VAGRANT_CWD: "/somewhere/else", // must not steer vagrant away from the lab's directory
      FAKE_VAGRANT_LOG: join(work, "argv.log"),
      FAKE_SSH_CONFIG: join(work, "ssh-config.txt"),
      FAKE_VAGRANT_STATUS: join(work, "status.txt"),
    };
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const calls = () =>
    readFileSync(join(work, "argv.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));

  it("calls vagrant up with the provider in the lab's directory, then ssh-config, and writes an inventory the SSH target loads", async () => {
    const progress: string[] = [];
    const result = await vagrantUp(topology, { directory, provider: "libvirt", env, onProgress: (line) => progress.push(line) });

    expect(calls()).toEqual([
      [directory, "up --provider libvirt"],
      [directory, "ssh-config"],
    ]);
    expect(result.vagrantfile.result).toBe("created");
    expect(readFileSync(join(directory, "Vagrantfile"), "utf8")).toBe(renderVagrantfile(topology));
    // vagrant's own output is streamed line by line, stdout and stderr, the unterminated last line too
    expect(progress).toEqual(expect.arrayContaining(["Bringing machine 'lb1' up with 'libvirt' provider...", "==> lb1: Machine booted and ready!", "==> lb2: Machine booted and ready!"]));

    expect(result.inventoryPath).toBe(join(directory, "inventory.yaml"));
    const inventory = loadInventoryFile(result.inventoryPath, topology);
    expect(inventory.nodes.map((node) => node.node)).toEqual(topology.nodes.map((node) => node.name));
    for (const node of inventory.nodes) {
      expect(node).toMatchObject({
        host: "127.0.0.1",
        port: PORTS[node.node as keyof typeof PORTS],
        user: "vagrant",
        sudo: true,
        identityFile: `/home/ana/odoo-ha-lab/.lab/odoo-ha/vagrant/.vagrant/machines/${node.node}/virtualbox/private_key`,
        knownHosts: undefined,
      });
    }
    expect(Object.keys(result.inventory.nodes)).toEqual(topology.nodes.map((node) => node.name));
  });

  it("gives the kill-node fault power commands that drive the same vagrant in the same directory", async () => {
    const result = await vagrantUp(topology, { directory, provider: "virtualbox", env });
    const node = loadInventoryFile(result.inventoryPath, topology).nodes.find((entry) => entry.node === "postgresql1")!;
    execFileSync("sh", ["-c", node.powerOff!], { env: env as Record<string, string>, cwd: work, stdio: "pipe" });
    execFileSync("sh", ["-c", node.powerOn!], { env: env as Record<string, string>, cwd: work, stdio: "pipe" });
    expect(calls().slice(-2)).toEqual([
      [directory, "halt --force postgresql1"],
      [directory, "up postgresql1"],
    ]);
  });

  it("keeps a Vagrantfile the user edited, and says so", async () => {
    writeVagrantfile(topology, directory);
    const edited = readFileSync(join(directory, "Vagrantfile"), "utf8").replace("vb.memory = 1024", "vb.memory = 1536");
    writeFileSync(join(directory, "Vagrantfile"), edited);
    const progress: string[] = [];
    const result = await vagrantUp(topology, { directory, provider: "virtualbox", env, onProgress: (line) => progress.push(line) });
    expect(result.vagrantfile.result).toBe("kept");
    expect(readFileSync(join(directory, "Vagrantfile"), "utf8")).toBe(edited);
    expect(progress.join("\n")).toMatch(/using .*Vagrantfile as it is .*lab vagrant init --force/);
  });

  it("names a machine that is not running when ssh-config fails, and how to start it", async () => {
    writeFileSync(env.FAKE_VAGRANT_STATUS!, ["1,lb1,state,running", "1,lb2,state,poweroff", "1,odoo1,state,running", "1,odoo2,state,running", "1,postgresql1,state,running", "1,postgresql2,state,running"].join("\n"));
    await expect(vagrantUp(topology, { directory, provider: "virtualbox", env: { ...env, FAKE_VAGRANT_FAIL: "ssh-config" } })).rejects.toThrow(
      /not running: lb2 \(poweroff\)\. Run `vagrant up lb2` in .*vagrant\.\n`vagrant ssh-config` in .* failed \(exit 1\):\nThe provider .* not yet ready for SSH/,
    );
    expect(existsSync(join(directory, "inventory.yaml"))).toBe(false);
  });

  it("names the node missing from ssh-config (a Vagrantfile older than the topology)", async () => {
    writeFileSync(env.FAKE_SSH_CONFIG!, RECORDED.split("\n\n").filter((block) => !block.startsWith("Host odoo2")).join("\n\n"));
    await expect(vagrantUp(topology, { directory, provider: "virtualbox", env })).rejects.toThrow(/no machine for node odoo2 .*Run `vagrant up odoo2`/);
  });

  it("stops at a failing vagrant up, with vagrant's own words", async () => {
    await expect(vagrantUp(topology, { directory, provider: "virtualbox", env: { ...env, FAKE_VAGRANT_FAIL: "up" } })).rejects.toThrow(/`vagrant up --provider virtualbox` in .* failed \(exit 1\)/);
    expect(calls()).toEqual([[directory, "up --provider virtualbox"]]);
  });

  it("says how to install vagrant when there is none", async () => {
    const missing = { ...env, VAGRANT_BIN: join(work, "no-such-vagrant") };
    const error = await vagrantUp(topology, { directory, provider: "virtualbox", env: missing }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VagrantNotFoundError);
    expect((error as Error).message).toMatch(/cannot run '.*no-such-vagrant' \(from VAGRANT_BIN\): install Vagrant: .*HashiCorp's apt repository.*https:\/\/developer\.hashicorp\.com\/vagrant\/install/);
    const onPath = new VagrantCli({ directory, env: { PATH: join(work, "empty") } });
    await expect(onPath.status()).rejects.toThrow(/cannot run 'vagrant' \(not on PATH\)/);
  });

  it("destroy forgets the derived inventory and the host keys pinned for the dead VMs, and nothing else", async () => {
    await vagrantUp(topology, { directory, provider: "virtualbox", env });
    const knownHosts = join(work, "known_hosts");
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    writeFileSync(knownHosts, [`[127.0.0.1]:2222 ${key}`, `[127.0.0.1]:2204 ${key}`, `db.example.org ${key}`, ""].join("\n"));
    const { forgotKeys } = await vagrantDestroy({ directory, env, knownHostsFile: knownHosts });
    expect(calls().at(-1)).toEqual([directory, "destroy --force"]);
    expect(existsSync(join(directory, "inventory.yaml"))).toBe(false);
    expect(forgotKeys).toEqual(["[127.0.0.1]:2222", "[127.0.0.1]:2204"]);
    expect(readFileSync(knownHosts, "utf8")).toBe(`db.example.org ${key}\n`);
    expect(existsSync(`${knownHosts}.old`)).toBe(false);
  });

  it("runs destroy and status in the lab's directory", async () => {
    writeVagrantfile(topology, directory);
    writeFileSync(env.FAKE_VAGRANT_STATUS!, "1,lb1,state,not_created\n1,lb2,state,running\n");
    const cli = new VagrantCli({ directory, env });
    await cli.destroy();
    expect(await cli.status()).toEqual({ lb1: "not_created", lb2: "running" });
    expect(calls()).toEqual([
      [directory, "destroy --force"],
      [directory, "status --machine-readable"],
    ]);
  });
});

describe("writeVagrantfile (lab vagrant init)", () => {
  let directory: string;
  beforeEach(() => {
    directory = join(mkdtempSync(join(tmpdir(), "vagrant-init-")), "vagrant");
  });
  afterEach(() => rmSync(join(directory, ".."), { recursive: true, force: true }));

  it("creates it, leaves an identical one alone, refuses a different one, and replaces it with force", () => {
    expect(writeVagrantfile(topology, directory).result).toBe("created");
    expect(writeVagrantfile(topology, directory).result).toBe("unchanged");
    expect(() => writeVagrantfile(topology, directory, { box: "generic/debian12" })).toThrow(VagrantfileExistsError);
    expect(readFileSync(join(directory, "Vagrantfile"), "utf8")).toContain('config.vm.box = "debian/trixie64"');
    expect(writeVagrantfile(topology, directory, { box: "generic/debian12", force: true }).result).toBe("replaced");
    expect(readFileSync(join(directory, "Vagrantfile"), "utf8")).toContain('config.vm.box = "generic/debian12"');
  });
});
