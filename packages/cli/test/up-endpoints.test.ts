import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { labEndpoints } from "../src/commands/up.ts";
import { REPO_ROOT } from "../src/state.ts";

describe("where `up` says the lab is reached", () => {
  it("names Odoo's log database only for a lab that keeps one", () => {
    const plain = labEndpoints(loadTopologyFile(join(REPO_ROOT, "labs/odoo-ha/topology.yaml")));
    expect(plain.map((endpoint) => endpoint.url)).not.toContainEqual(expect.stringContaining("_logs"));
    const logged = labEndpoints(loadTopologyFile(join(REPO_ROOT, "labs/odoo-ha-replicated/topology.yaml")));
    expect(logged).toContainEqual({ name: "Odoo's log (table ir_logging; pnpm lab logs --odoo-db)", url: "postgresql://192.168.56.100:5433/lab_logs" });
  });
});
