import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTopology } from "@odoo-ha-lab/topology";
import { InventoryError, parseInventory } from "../src/inventory.ts";

const topology = parseTopology(
  `name: inv\nnetwork: {subnet: 10.9.0.0/24}\nvip: {address: 10.9.0.100}\nnodes:\n` +
    `  lb1: {address: 10.9.0.11, roles: [haproxy, keepalived, etcd]}\n  lb2: {address: 10.9.0.12, roles: [haproxy, keepalived, etcd, filestore-server]}\n` +
    `  odoo1: {address: 10.9.0.21, roles: [odoo, etcd]}\n  postgresql1: {address: 10.9.0.31, roles: [postgresql]}\n  postgresql2: {address: 10.9.0.32, roles: [postgresql]}\n`,
  "inline",
);
const nodes = (extra: Record<string, object> = {}) => ({
  lb1: { host: "10.0.0.11" },
  lb2: { host: "10.0.0.12", port: 2222, user: "vagrant", sudo: true },
  odoo1: { host: "odoo1.example" },
  postgresql1: { host: "10.0.0.31", identityFile: "/keys/pg" },
  postgresql2: { host: "10.0.0.32", powerOff: "ipmitool power off", powerOn: "ipmitool power on" },
  ...extra,
});

function issuesOf(object: unknown): string[] {
  try {
    parseInventory(object, topology, "inv.yaml", "/inv");
  } catch (error) {
    expect(error).toBeInstanceOf(InventoryError);
    return (error as InventoryError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error("expected the inventory to be refused");
}

describe("inventory", () => {
  it("applies defaults, per-node overrides, ~ and relative paths", () => {
    const inventory = parseInventory({ defaults: { user: "admin", identityFile: "~/.ssh/lab", knownHosts: "./known_hosts", sudo: true }, nodes: nodes() }, topology, "inv.yaml", "/inv");
    expect(inventory.nodes.map((node) => node.node)).toEqual(["lb1", "lb2", "odoo1", "postgresql1", "postgresql2"]);
    const [lb1, lb2, , pg1, pg2] = inventory.nodes;
    expect(lb1).toMatchObject({ host: "10.0.0.11", port: 22, user: "admin", sudo: true, identityFile: join(homedir(), ".ssh/lab"), knownHosts: "/inv/known_hosts" });
    expect(lb2).toMatchObject({ port: 2222, user: "vagrant" });
    expect(pg1!.identityFile).toBe("/keys/pg");
    expect(pg2).toMatchObject({ powerOff: "ipmitool power off", powerOn: "ipmitool power on" });
  });

  it("defaults to root on port 22 with ssh's own keys and pinning on first contact", () => {
    const [lb1] = parseInventory({ nodes: nodes() }, topology, "inv.yaml", "/inv").nodes;
    expect(lb1).toMatchObject({ user: "root", port: 22, sudo: false, identityFile: undefined, knownHosts: undefined });
  });

  it("names a topology node without an entry, and an entry for no topology node", () => {
    const { odoo1: _missing, ...rest } = nodes();
    expect(issuesOf({ nodes: { ...rest, odoo9: { host: "x" } } })).toEqual([
      "nodes.odoo9: lab 'inv' has no node 'odoo9'",
      "nodes.odoo1: is missing: every topology node needs an SSH endpoint",
    ]);
  });

  it("names the field of a bad value", () => {
    expect(issuesOf({ nodes: nodes({ lb1: { host: "10.0.0.11", port: 70000 } }) })).toEqual([expect.stringMatching(/^nodes\.lb1\.port: /)]);
    expect(issuesOf({ nodes: nodes({ lb1: {} }) })).toEqual(["nodes.lb1.host: is required"]);
    expect(issuesOf({ defaults: { sudo: "yes" }, nodes: nodes() })).toEqual(["defaults.sudo: expected boolean, got string"]);
    expect(issuesOf({ nodes: nodes({ lb1: { host: "a", hostname: "b" } }) })).toEqual(["nodes.lb1: unknown field(s): hostname"]);
  });

  it("refuses hosts that are no address or name, a user written into the host, and paths ssh would split or not expand", () => {
    expect(issuesOf({ nodes: nodes({ lb1: { host: "999.999.999.999" } }) })).toEqual(["nodes.lb1.host: '999.999.999.999' is not an IPv4 address"]);
    expect(issuesOf({ nodes: nodes({ lb1: { host: "root@10.0.0.11" } }) })[0]).toMatch(/^nodes\.lb1\.host: 'root@10\.0\.0\.11' holds a user/);
    expect(issuesOf({ nodes: nodes({ lb1: { host: "a_b.example" } }) })).toEqual(["nodes.lb1.host: 'a_b.example' is not a host name"]);
    expect(issuesOf({ defaults: { knownHosts: "/my keys/known_hosts" }, nodes: nodes() })[0]).toMatch(/^defaults\.knownHosts: .* has white space/);
    expect(issuesOf({ nodes: nodes({ lb1: { host: "10.0.0.11", identityFile: "~root/.ssh/id" } }) })[0]).toMatch(/^nodes\.lb1\.identityFile: .*only ~ and ~\/ are expanded/);
    expect(() => parseInventory({ nodes: nodes({ lb1: { host: "fd00::11" } }) }, topology, "inv.yaml", "/inv")).not.toThrow();
  });

  it("refuses two nodes on one machine: one failure would take an HA pair down together", () => {
    expect(issuesOf({ nodes: nodes({ lb2: { host: "10.0.0.11" } }) })).toEqual(["nodes.lb2.host: lb1 and lb2 are one machine (10.0.0.11:22): one failure would take them down together"]);
    // Vagrant's VMs share 127.0.0.1 on ports of their own: machines of their own.
    expect(() => parseInventory({ nodes: nodes({ lb1: { host: "127.0.0.1", port: 2201 }, lb2: { host: "127.0.0.1", port: 2202 } }) }, topology, "inv.yaml", "/inv")).not.toThrow();
  });

  it("names the key files that are not there to read, without contacting a host", async () => {
    const { inventoryFileProblems } = await import("../src/inventory.ts");
    const inventory = parseInventory({ nodes: nodes() }, topology, "inv.yaml", "/inv");
    expect(inventoryFileProblems(inventory)).toEqual([expect.objectContaining({ path: "nodes.postgresql1.identityFile", message: "/keys/pg is not a readable file" })]);
  });

  it("refuses a host or user that ssh would read as an option", () => {
    expect(issuesOf({ nodes: nodes({ lb1: { host: "-oProxyCommand=evil" } }) })[0]).toMatch(/^nodes\.lb1\.host: .*must not start with '-'/);
    expect(issuesOf({ nodes: nodes({ lb1: { host: "a", user: "-x" } }) })[0]).toMatch(/^nodes\.lb1\.user: is not a valid user name/);
  });
});
