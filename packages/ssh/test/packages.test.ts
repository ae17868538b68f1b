import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import { BASE_PACKAGES, packagesForNode, parseInstalled } from "../src/packages.ts";

const file = fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url));
const topology = loadTopologyFile(file);

describe("packages per node", () => {
  it("installs only what a node's roles run, plus the tools the faults use", () => {
    const pg = packagesForNode(topology, findNode(topology, "postgresql1"));
    expect(pg).toEqual(expect.arrayContaining([...BASE_PACKAGES, "postgresql-15", "patroni", "python3-etcd"]));
    expect(pg).not.toContain("haproxy");
    expect(pg).not.toContain("etcd-server");
    const lb2 = packagesForNode(topology, findNode(topology, "lb2"));
    expect(lb2).toEqual(expect.arrayContaining(["haproxy", "keepalived", "etcd-server", "glusterfs-server"]));
    expect(lb2).not.toContain("postgresql-15");
  });

  it("installs Node.js for the stand-in only", () => {
    expect(packagesForNode(topology, findNode(topology, "odoo1"))).toEqual(expect.arrayContaining(["nodejs", "glusterfs-client", "postgresql-client-15"]));
    const realOdoo = loadTopologyFile(file, { odooImage: "odoo:17" });
    expect(packagesForNode(realOdoo, findNode(realOdoo, "odoo1"))).not.toContain("nodejs");
  });

  it("counts only fully installed packages as present", () => {
    const installed = parseInstalled("haproxy install ok installed\ncurl deinstall ok config-files\nlibc6:amd64 install ok installed\n");
    expect([...installed].sort()).toEqual(["haproxy", "libc6"]);
  });
});
