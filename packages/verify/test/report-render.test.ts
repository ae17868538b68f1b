import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { checkHistory } from "../src/checkers/check-history.ts";
import { writeReport } from "../src/report/write-report.ts";
import { dumpDom, ensureChromium, screenshot } from "./headless-chromium.ts";
import { read, SyntheticHistory } from "./synthetic-history.ts";

/** A small run: steady load, a leader kill at 10 s healed at 14 s, writes failing until 18 s, probes that see the failover. */
function syntheticRun() {
  const h = new SyntheticHistory().fault("kill-postgresql1", 10_000, 14_000);
  h.series("sql.write", 0, 30_000, 100, (at) => (at >= 10_000 && at < 18_000 ? (at < 12_000 ? "indeterminate" : "fail") : "ok"), (at) => ({ key: String(1000 + at), servedBy: at < 10_000 ? "postgresql1" : "postgresql2" }));
  h.series("odoo.session.call", 0, 30_000, 250, (at) => (at >= 10_000 && at < 17_500 ? "fail" : "ok"), () => ({ key: "s1" }));
  h.series("odoo.attachment.upload", 0, 30_000, 1000, (at) => (at >= 10_000 && at < 18_000 ? "fail" : "ok"), (at) => ({ key: `${at}`.padStart(40, "0"), value: String(at / 1000) }));
  for (let at = 0; at < 30_000; at += 250) {
    h.probe("writable-primaries", at, { writable: at < 10_000 ? ["postgresql1"] : at < 17_000 ? [] : ["postgresql2"], readOnly: [], unreachable: at >= 10_000 && at < 20_000 ? ["postgresql1"] : [] });
    h.probe("patroni-leader", at, { leader: at < 16_500 ? "postgresql1" : "postgresql2" });
    h.probe("vip-holders", at, { holders: at < 22_000 ? ["lb1"] : ["lb2"] });
    h.probe("odoo-health", at, { odoo1: true, odoo2: true });
  }
  const writes = h.history.operations.filter((op) => op.outcome === "ok" && (op.kind === "sql.write" || op.kind === "odoo.attachment.upload"));
  h.final(writes.flatMap((op) => (op.kind === "sql.write" ? [read(op, "postgresql2", "present")] : [read(op, "odoo1", "present", "app"), read(op, "odoo2", "present", "app")])));
  return h.history;
}

/** The IHDR chunk of a PNG: width and height. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const chromium = ensureChromium();

describe.skipIf(!chromium)("report.html in headless Chromium", () => {
  const history = syntheticRun();
  const results = checkHistory(history);
  const dir = mkdtempSync(join(tmpdir(), "verify-report-"));

  it("writes report.json with the history and the results", async () => {
    const written = await writeReport(history, results, dir);
    const json = JSON.parse(readFileSync(written.json, "utf8")) as { ok: boolean; results: unknown[]; history: { operations: unknown[] } };
    expect(json.results).toHaveLength(results.length);
    expect(json.history.operations).toHaveLength(history.operations.length);
    expect(json.ok).toBe(results.every((result) => result.ok));
  });

  it("draws every chart without a script error, offline", async () => {
    const dom = await dumpDom(chromium!, pathToFileURL(join(dir, "report.html")).href);
    expect(dom).toContain("<title>rendered</title>");
    expect(dom).toContain("recovery:sql.write");
    expect(dom).toMatch(/<canvas/);
  });

  it("takes a non-trivial screenshot", async () => {
    const file = join(dir, "report.png");
    await screenshot(chromium!, pathToFileURL(join(dir, "report.html")).href, file);
    const png = readFileSync(file);
    expect(pngSize(png)).toEqual({ width: 1400, height: 1000 });
    // A blank or error page compresses to a few KB; charts with thousands of points do not.
    expect(png.length).toBeGreaterThan(40_000);
  });

  it("draws Odoo's server log lines of a lab with a log database beside the operations, and lists them", async () => {
    const logged = syntheticRun();
    logged.finalState!.serverLog = [
      { at: logged.startedAt + 10_500, host: "odoo2", database: null, logger: "odoo.addons.lab_ha.database_unreachable", level: "WARNING", message: "the database unreachable; answering 503 <Retry-After 1s>" },
    ];
    const loggedDir = mkdtempSync(join(tmpdir(), "verify-report-log-"));
    await writeReport(logged, checkHistory(logged), loggedDir);
    const dom = await dumpDom(chromium!, pathToFileURL(join(loggedDir, "report.html")).href);
    expect(dom).toContain("<title>rendered</title>");
    expect(dom).toContain("Odoo's server log");
    expect(dom).toContain("t+10.50 s</td><td>odoo2</td><td>WARNING</td><td>odoo.addons.lab_ha.database_unreachable</td><td>the database unreachable; answering 503 &lt;Retry-After 1s&gt;");
  });

  it("draws the alerts of a lab with a monitor node on their own rows, and lists them", async () => {
    const monitored = syntheticRun();
    monitored.alertRules = ["PatroniPrimaryMissing"];
    for (let at = 0; at < 30_000; at += 500) {
      monitored.probes.push({ probe: "alerts", at: monitored.startedAt + at, value: { firing: at >= 12_000 && at < 17_000 ? ["PatroniPrimaryMissing"] : [], pending: at >= 10_500 && at < 12_000 ? ["PatroniPrimaryMissing"] : [], tookMs: 0 } });
    }
    const alertsDir = mkdtempSync(join(tmpdir(), "verify-report-alerts-"));
    await writeReport(monitored, checkHistory(monitored), alertsDir);
    const dom = await dumpDom(chromium!, pathToFileURL(join(alertsDir, "report.html")).href);
    expect(dom).toContain("<title>rendered</title>");
    expect(dom).toContain("<h2>Alerts</h2>");
    expect(dom).toContain("<td>PatroniPrimaryMissing</td><td>pending</td><td>t+10.50 s</td><td>t+12.00 s</td>");
    expect(dom).toContain("<td>PatroniPrimaryMissing</td><td>firing</td><td>t+12.00 s</td><td>t+17.00 s</td>");
  });

  it("tells a broken page from a drawn one", async () => {
    const broken = readFileSync(join(dir, "report.html"), "utf8").replace(/(<script type="application\/json" id="report-data">)[^<]*/, "$1{not json");
    const file = join(dir, "broken.html");
    writeFileSync(file, broken);
    const dom = await dumpDom(chromium!, pathToFileURL(file).href);
    expect(dom).not.toContain("<title>rendered</title>");
    expect(dom).toMatch(/<title>error: /);
  });
});
