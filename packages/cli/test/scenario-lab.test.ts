import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenario } from "@odoo-ha-lab/runner";
import { resolveTopology } from "../src/options.ts";
import { scenarioTopology } from "../src/scenario-lab.ts";
import { REPO_ROOT } from "../src/state.ts";

const scenario = loadScenario(join(REPO_ROOT, "scenarios", "kill-master.yaml"));
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

describe("the Odoo a lab runs", () => {
  it("is the topology's image unless a flag or the environment names another, for up and for runs alike", () => {
    delete process.env.LAB_ODOO_SOURCE;
    delete process.env.LAB_ODOO_IMAGE;
    expect(resolveTopology({}).odoo).toMatchObject({ image: "odoo:17", source: undefined });
    expect(scenarioTopology(scenario, { "odoo-image": "my-odoo:17" }).odoo).toMatchObject({ image: "my-odoo:17", source: undefined });
    // A run on a lab that `up --odoo-source` made gets the same source, not another image in silence.
    expect(scenarioTopology(scenario, { "odoo-source": "odoo-17.0-src.tar.xz" }).odoo.source).toBe(resolve("odoo-17.0-src.tar.xz"));
    process.env.LAB_ODOO_SOURCE = "/srv/odoo-17.0-src.tar.xz";
    expect(scenarioTopology(scenario, {}).odoo.source).toBe("/srv/odoo-17.0-src.tar.xz");
    expect(resolveTopology({}).odoo.source).toBe("/srv/odoo-17.0-src.tar.xz");
  });
});
