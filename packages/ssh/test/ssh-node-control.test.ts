import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedFaultError } from "@odoo-ha-lab/machine";
import type { ExecOptions, ExecResult } from "@odoo-ha-lab/machine";
import type { Inventory, InventoryNode } from "../src/inventory.ts";
import type { SshEndpoint } from "../src/openssh.ts";
import { SshNodeControl } from "../src/ssh-node-control.ts";

/**
 * The node faults of an SSH lab: power through the inventory's commands (run for real on this
 * machine, here writing marker files), everything else over the node's SSH endpoint (a fake that
 * answers like a node that is up, or is silent like one that is off).
 */
const scratch = mkdtempSync(join(tmpdir(), "ssh-node-control-"));

function node(name: string, power: Partial<Pick<InventoryNode, "powerOff" | "powerOn">> = {}): InventoryNode {
  return { node: name, host: `${name}.example`, port: 22, user: "root", identityFile: undefined, sudo: false, knownHosts: undefined, powerOff: undefined, powerOn: undefined, ...power };
}

class FakeEndpoint {
  readonly commands: string[][] = [];
  constructor(
    readonly node: string,
    private readonly answer: (command: string[]) => ExecResult,
  ) {}
  async exec(command: string[], _options?: ExecOptions): Promise<ExecResult> {
    this.commands.push(command);
    return this.answer(command);
  }
}

const up = (stdout = "") => () => ({ exitCode: 0, stdout, stderr: "" });
// What OpenSSH gives for a machine that is off: exit 255 after its connect timeout.
const off = () => ({ exitCode: 255, stdout: "", stderr: "ssh: connect to host: Connection timed out" });

function control(nodes: InventoryNode[], endpoints: FakeEndpoint[]): SshNodeControl {
  const inventory: Inventory = { source: "/lab/inventory.yaml", nodes };
  const byNode = new Map(endpoints.map((endpoint) => [endpoint.node, endpoint as unknown as SshEndpoint]));
  return new SshNodeControl(inventory, byNode, 10_000);
}

describe("SshNodeControl", () => {
  it("refuses kill-node on a node without powerOff, naming the field and the file to add it to", async () => {
    const nodes = control([node("postgresql1")], [new FakeEndpoint("postgresql1", up())]);
    const refusal = await nodes.kill("postgresql1").catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(UnsupportedFaultError);
    expect((refusal as Error).message).toMatch(/nodes\.postgresql1\.powerOff .*\/lab\/inventory\.yaml/);
  });

  it("kills a node by running its powerOff command on this machine, and reports a failing one with its output", async () => {
    const marker = join(scratch, "powered-off");
    const endpoint = new FakeEndpoint("postgresql1", up());
    await control([node("postgresql1", { powerOff: `echo cut > ${marker}` })], [endpoint]).kill("postgresql1");
    expect(readFileSync(marker, "utf8")).toBe("cut\n");
    expect(endpoint.commands).toEqual([]); // a power cut does not go through the node

    const failing = control([node("postgresql1", { powerOff: "echo 'BMC unreachable' >&2; exit 3" })], [endpoint]);
    await expect(failing.kill("postgresql1")).rejects.toThrow(/powerOff command for node postgresql1 failed \(exit 3\): BMC unreachable/);
  });

  it("starts a silent node with powerOn, and an answering one by starting its enabled lab units", async () => {
    const marker = join(scratch, "powered-on");
    await control([node("lb1", { powerOn: `touch ${marker}` })], [new FakeEndpoint("lb1", off)]).start("lb1");
    expect(existsSync(marker)).toBe(true);

    const answering = new FakeEndpoint("lb1", up());
    await control([node("lb1")], [answering]).start("lb1");
    expect(answering.commands.at(-1)).toEqual(["sh", "-c", expect.stringContaining("systemctl start"), "sh", "lab-"]);
  });

  it("refuses to start a silent node without powerOn", async () => {
    await expect(control([node("lb1")], [new FakeEndpoint("lb1", off)]).start("lb1")).rejects.toThrow(/does not answer over SSH .*nodes\.lb1\.powerOn/);
  });

  it("pauses and unpauses with SIGSTOP and SIGCONT to the lab units, and says which node failed", async () => {
    const endpoint = new FakeEndpoint("odoo1", up());
    const nodes = control([node("odoo1")], [endpoint]);
    await nodes.pause("odoo1");
    await nodes.unpause("odoo1");
    expect(endpoint.commands.map((command) => command[2])).toEqual([`systemctl kill --signal=STOP "$1*.service"`, `systemctl kill --signal=CONT "$1*.service"`]);

    const refusing = new FakeEndpoint("odoo1", () => ({ exitCode: 1, stdout: "", stderr: "Failed to kill unit: Access denied" }));
    await expect(control([node("odoo1")], [refusing]).stop("odoo1")).rejects.toThrow(/cannot stop node odoo1 \(its lab-\* units\): Failed to kill unit: Access denied/);
  });

  it("reads the state: silent is stopped, every lab unit stopped is paused, otherwise running", async () => {
    expect(await control([node("odoo1")], [new FakeEndpoint("odoo1", off)]).state("odoo1")).toBe("stopped");
    expect(await control([node("odoo1")], [new FakeEndpoint("odoo1", up("paused\n"))]).state("odoo1")).toBe("paused");
    expect(await control([node("odoo1")], [new FakeEndpoint("odoo1", up("running\n"))]).state("odoo1")).toBe("running");
  });

  it("names the inventory when asked about a node it does not list", async () => {
    await expect(control([node("odoo1")], []).state("odoo9")).rejects.toThrow(/no node 'odoo9' in the inventory \/lab\/inventory\.yaml/);
  });
});
