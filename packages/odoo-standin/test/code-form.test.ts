import { describe, expect, it } from "vitest";
import { CURRENT_DBNAME, parseCronCode, runMarkerCode } from "../src/cron/code-form.ts";

const CANONICAL =
  "env['ir.logging'].sudo().create({'name': 'lab-cron-1', 'type': 'server', 'level': 'INFO', 'dbname': env.cr.dbname, 'message': 'cron run', 'path': 'lab', 'func': 'cron', 'line': '0'})";

describe("cron code form", () => {
  it("accepts the lab's run marker", () => {
    const result = parseCronCode(CANONICAL);
    expect(result).toEqual({
      ok: true,
      marker: { name: "lab-cron-1", type: "server", level: "INFO", dbname: CURRENT_DBNAME, message: "cron run", path: "lab", func: "cron", line: "0" },
    });
  });

  it("accepts what Python accepts: other quotes, spacing, key order, trailing comma, new lines", () => {
    const variant = `env["ir.logging"] .sudo( ).create({
      "line": "0", "func": "cron", "path": "lab", "message": "cron run",
      "dbname": env.cr.dbname, "level": "INFO", "type": "server", "name": "a 'quoted' job",
    })\n`;
    const result = parseCronCode(variant);
    expect(result.ok && result.marker.name).toBe("a 'quoted' job");
  });

  it("round-trips runMarkerCode, escaping the job name", () => {
    const code = runMarkerCode("it's \\ a job");
    const result = parseCronCode(code);
    expect(result.ok && result.marker.name).toBe("it's \\ a job");
    expect(runMarkerCode("lab-cron-1")).toBe(CANONICAL);
  });

  it("rejects any other code, saying what is wrong", () => {
    const problem = (code: string) => {
      const result = parseCronCode(code);
      expect(result.ok).toBe(false);
      return result.ok ? "" : result.problem;
    };
    expect(problem("model._run_cleanup()")).toMatch(/expected 'env'/);
    expect(problem("")).toMatch(/expected 'env'/);
    expect(problem(CANONICAL.replace("ir.logging", "res.partner"))).toBe("the model must be 'ir.logging', not 'res.partner'");
    expect(problem(CANONICAL.replace(", 'line': '0'", ""))).toBe("the dict lacks 'line'");
    expect(problem(CANONICAL.replace("'line': '0'", "'line': '0', 'extra': 'x'"))).toMatch(/unexpected key 'extra'/);
    expect(problem(CANONICAL + "; import os")).toMatch(/unexpected text after the create/);
    expect(problem(CANONICAL.replace("'type': 'server'", "'type': 'other'"))).toBe("'type' must be 'server' or 'client'");
    expect(problem(CANONICAL.replace("'message': 'cron run'", "'message': env.cr.dbname"))).toMatch(/only 'dbname' may be env.cr.dbname/);
    expect(problem(CANONICAL.replace("'cron run'", "'cron run")).length).toBeGreaterThan(0);
  });

  it("accepts fixed work in the database before the marker, on a line of its own", () => {
    const code = runMarkerCode("lab-backlog-1", "cron run", 0.5);
    expect(code).toBe(`env.cr.execute('SELECT pg_sleep(0.5)')\n${runMarkerCode("lab-backlog-1")}`);
    const result = parseCronCode(code);
    expect(result.ok && result.workSeconds).toBe(0.5);
    expect(result.ok && result.marker.name).toBe("lab-backlog-1");
    const variant = parseCronCode(`  env.cr.execute("select pg_sleep( 2 );") ;${CANONICAL}`);
    expect(variant.ok && variant.workSeconds).toBe(2);
    expect(parseCronCode(CANONICAL)).not.toHaveProperty("workSeconds");
  });

  it("rejects any other query, an unbounded sleep, or the marker on the same statement", () => {
    const problem = (code: string) => {
      const result = parseCronCode(code);
      return result.ok ? "" : result.problem;
    };
    expect(problem(`env.cr.execute('DELETE FROM res_partner')\n${CANONICAL}`)).toMatch(/only query a job may run is 'SELECT pg_sleep/);
    expect(problem(`env.cr.execute('SELECT pg_sleep(600)')\n${CANONICAL}`)).toMatch(/not 600/);
    expect(problem(`env.cr.execute('SELECT pg_sleep(0)')\n${CANONICAL}`)).toMatch(/not 0/);
    expect(problem(`env.cr.execute('SELECT pg_sleep(1)') ${CANONICAL}`)).toMatch(/line of its own/);
    expect(problem(`env.cr.execute('SELECT pg_sleep(1)')\n`)).toMatch(/expected 'env'/);
  });
});
