import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenario } from "@odoo-ha-lab/runner";
import { resolveTopology } from "../src/options.ts";
import { scenarioTopology } from "../src/scenario-lab.ts";
import { REPO_ROOT } from "../src/state.ts";

const scenario = loadScenario(join(REPO_ROOT, "scenarios", "kill-master.yaml"));
const saved = { ...process.env };
// A source must exist to be named; what is in it matters only to a build.
const source = join(mkdtempSync(join(tmpdir(), "odoo-source-")), "odoo-17.0-src.tar.xz");
writeFileSync(source, "");

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
    expect(scenarioTopology(scenario, { "odoo-source": relative(process.cwd(), source) }).odoo.source).toBe(resolve(source));
    process.env.LAB_ODOO_SOURCE = source;
    expect(scenarioTopology(scenario, {}).odoo.source).toBe(source);
    expect(resolveTopology({}).odoo.source).toBe(source);
  });

  it("refuses a source that does not exist, naming how it was given", () => {
    delete process.env.LAB_ODOO_SOURCE;
    expect(() => resolveTopology({ "odoo-source": "/nonexistent/odoo.tar.xz" })).toThrow(/--odoo-source: \/nonexistent\/odoo.tar.xz does not exist/);
    process.env.LAB_ODOO_SOURCE = "/nonexistent/odoo.tar.xz";
    expect(() => resolveTopology({})).toThrow(/the environment variable LAB_ODOO_SOURCE: \/nonexistent\/odoo.tar.xz does not exist/);
  });
});
