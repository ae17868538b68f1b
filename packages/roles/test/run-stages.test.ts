import { describe, expect, it } from "vitest";
import { ConvergeError, orderSteps, runStages, STAGES, type ConvergeContext, type ConvergeStep } from "../src/index.ts";

/** Stages that log when they begin and end; each takes `ms`, or fails. */
function stages(timings: Record<string, number | "fail">, log: string[]): ConvergeStep[] {
  return STAGES.map((stage) => ({
    name: stage.name,
    after: stage.after,
    async run() {
      log.push(`${stage.name} begins`);
      const taken = timings[stage.name] ?? 1;
      await new Promise((resolve) => setTimeout(resolve, taken === "fail" ? 5 : taken));
      if (taken === "fail") throw new Error(`${stage.name} broke`);
      log.push(`${stage.name} ends`);
    },
  }));
}

const context = { progress: () => undefined } as unknown as ConvergeContext;

describe("the converge's stages", () => {
  it("run side by side where nothing orders them: the filestore, the balancers and Odoo's files while etcd and PostgreSQL start; the replicas while the Odoo servers start", async () => {
    const log: string[] = [];
    await runStages(stages({ etcd: 30, postgresql: 30, replication: 60, filestore: 10, haproxy: 5, keepalived: 5, "odoo-files": 10, odoo: 1 }, log), context);
    const at = (event: string) => log.indexOf(event);
    expect(at("filestore begins")).toBeLessThan(at("etcd ends"));
    expect(at("haproxy begins")).toBeLessThan(at("etcd ends"));
    expect(at("keepalived begins")).toBeGreaterThan(at("haproxy ends"));
    expect(at("postgresql begins")).toBeGreaterThan(at("etcd ends"));
    expect(at("odoo-files begins")).toBeGreaterThan(at("filestore ends"));
    expect(at("odoo-files ends")).toBeLessThan(at("postgresql ends"));
    expect(at("replication begins")).toBeGreaterThan(at("postgresql ends"));
    for (const before of ["postgresql ends", "odoo-files ends", "keepalived ends"]) expect(at("odoo begins")).toBeGreaterThan(at(before));
    expect(at("odoo begins")).toBeLessThan(at("replication ends"));
  });

  it("let every stage under way finish, do not begin one whose dependency failed, and answer the failed stage", async () => {
    const log: string[] = [];
    const run = runStages(stages({ etcd: 5, postgresql: "fail", filestore: 40, haproxy: 1, keepalived: 1 }, log), context);
    await expect(run).rejects.toSatisfy((error: unknown) => error instanceof ConvergeError && error.stage === "postgresql" && /postgresql broke/.test(error.message));
    expect(log).toContain("filestore ends");
    expect(log).not.toContain("odoo begins");
  });
});

describe("the order of the role modules' steps", () => {
  const step = (name: string, ...after: string[]) => ({ name, after, run: async () => undefined });

  it("puts each step after the steps it waits for, otherwise as given", () => {
    expect(orderSteps([step("odoo", "postgresql"), step("haproxy"), step("postgresql", "etcd"), step("etcd")]).map((s) => s.name)).toEqual(["haproxy", "etcd", "postgresql", "odoo"]);
  });

  it("refuses a step that waits for one no role declares, naming both", () => {
    expect(() => orderSteps([step("pgbouncer", "postgres")])).toThrow(/step 'pgbouncer' waits for 'postgres', which no role declares/);
  });

  it("refuses steps that wait for each other, and two steps of one name", () => {
    expect(() => orderSteps([step("a", "b"), step("b", "a")])).toThrow(/wait for each other in a circle: a \(after b\); b \(after a\)/);
    expect(() => orderSteps([step("etcd"), step("etcd")])).toThrow(/two converge steps are named 'etcd'/);
  });
});
