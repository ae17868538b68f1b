import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { TimelineData } from "./timeline.ts";

const require = createRequire(import.meta.url);

/** ECharts' minified UMD build, inlined so the page works offline and from a CI artifact. */
function echartsSource(): string {
  return readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
}

function pageScript(): string {
  return readFileSync(new URL("./report-page.browser.js", import.meta.url), "utf8");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that cannot close the <script> element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function resultsTable(data: TimelineData): string {
  const rows = data.results.map((result) => {
    const metrics = Object.entries(result.metrics)
      .map(([key, value]) => `${escapeHtml(key)}=${Number.isInteger(value) ? value : value.toFixed(3)}`)
      .join(", ");
    const examples = result.counterexamples.length === 0 ? "" : `<ul>${result.counterexamples.map((example) => `<li>${escapeHtml(example)}</li>`).join("")}</ul>`;
    return `<tr class="${result.ok ? "pass" : "fail"}"><td>${escapeHtml(result.name)}</td><td>${result.ok ? "PASS" : "FAIL"}</td><td>${escapeHtml(result.summary)}${examples}</td><td class="metrics">${metrics}</td></tr>`;
  });
  return `<table><thead><tr><th>checker</th><th>verdict</th><th>summary and counterexamples</th><th>metrics</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function countsTable(data: TimelineData): string {
  const rows = data.counts.map((row) => `<tr><td>${escapeHtml(row.kind)}</td><td>${row.ok}</td><td>${row.fail}</td><td>${row.indeterminate}</td></tr>`);
  return `<table class="narrow"><thead><tr><th>kind</th><th>ok</th><th>fail</th><th>indeterminate</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function faultsTable(data: TimelineData): string {
  if (data.faults.length === 0) return "<p>No fault was injected.</p>";
  const rows = data.faults.map((fault) => `<tr><td>${escapeHtml(fault.id)}</td><td>${escapeHtml(fault.description)}</td><td>t+${fault.from.toFixed(2)} s</td><td>${fault.healed ? `t+${fault.to.toFixed(2)} s` : "never healed"}</td></tr>`);
  return `<table class="narrow"><thead><tr><th>fault</th><th>what</th><th>injected</th><th>healed</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function browserSection(data: TimelineData): string {
  if (data.browser.length === 0) return "";
  const rows = data.browser.map(
    (step) =>
      `<tr class="${step.outcome === "ok" ? "pass" : "fail"}"><td>t+${step.at.toFixed(2)} s</td><td>${escapeHtml(step.outcome)}</td><td>${escapeHtml(step.step)}: ${escapeHtml(step.seen)}</td><td>${step.screenshot ? `<a href="${escapeHtml(step.screenshot)}"><img src="${escapeHtml(step.screenshot)}" width="320" alt="what the browser showed"></a>` : ""}</td></tr>`,
  );
  return `<h2>What the browser user saw</h2>
<p>A person in a real browser through the VIP: the first step of each kind, and every step that went wrong.</p>
<table><thead><tr><th>when</th><th>outcome</th><th>step and what it showed</th><th>screenshot</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function serverLogSection(data: TimelineData): string {
  if (!data.serverLog) return "";
  const intro = "<h2>Odoo's server log</h2>\n<p>What Odoo wrote to its log database during the run (a line logged while that database was out of reach is written once it is back).</p>";
  if (data.serverLog.length === 0) return `${intro}\n<p>No line at the configured level or above.</p>`;
  const rows = data.serverLog.map((line) => `<tr><td>t+${line.at.toFixed(2)} s</td><td>${escapeHtml(line.host ?? "-")}</td><td>${escapeHtml(line.level)}</td><td>${escapeHtml(line.logger)}${line.database ? ` (${escapeHtml(line.database)})` : ""}</td><td>${escapeHtml(line.message)}</td></tr>`);
  return `${intro}\n<table><thead><tr><th>when</th><th>node</th><th>level</th><th>logger</th><th>message</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function alertsSection(data: TimelineData): string {
  if (!data.alerts) return "";
  const intro = "<h2>Alerts</h2>\n<p>What the lab's monitoring (Prometheus on its monitor nodes) held during the run: each stretch an alert was pending (its <code>for</code> running) or firing.</p>";
  if (data.alerts.length === 0) return `${intro}\n<p>No alert.</p>`;
  const rows = data.alerts.map((interval) => `<tr class="${interval.state === "firing" ? "fail" : "pass"}"><td>${escapeHtml(interval.alert)}</td><td>${interval.state}</td><td>t+${interval.from.toFixed(2)} s</td><td>t+${interval.to.toFixed(2)} s</td></tr>`);
  return `${intro}\n<table class="narrow"><thead><tr><th>alert</th><th>state</th><th>from</th><th>to</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** One HTML page, self-contained but for the browser user's screenshots beside it: verdict, timeline charts, checker table. */
export function renderReportHtml(data: TimelineData): string {
  const failed = data.results.filter((result) => !result.ok);
  const verdict = data.results.length === 0 ? "no checker ran" : failed.length === 0 ? `all ${data.results.length} checks passed` : `${failed.length} of ${data.results.length} checks FAILED: ${failed.map((result) => result.name).join(", ")}`;
  const title = `${data.scenario} on ${data.lab}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>loading: ${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
  .verdict { font-weight: bold; padding: 6px 10px; display: inline-block; border-radius: 4px; }
  .verdict.pass { background: #e3f5e6; color: #1d6b2c; } .verdict.fail { background: #fde2e2; color: #a11; }
  .chart { width: 100%; height: 320px; } #operations { height: 360px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; } table.narrow { width: auto; }
  th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
  tr.pass td:nth-child(2) { color: #1d6b2c; font-weight: bold; } tr.fail td:nth-child(2) { color: #a11; font-weight: bold; }
  td.metrics { font-family: ui-monospace, monospace; font-size: 12px; max-width: 420px; }
  ul { margin: 4px 0; padding-left: 18px; } #errors { color: #a11; white-space: pre; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div>${new Date(data.startedAt).toISOString()} → ${new Date(data.endedAt).toISOString()} (${((data.endedAt - data.startedAt) / 1000).toFixed(1)} s)</div>
<p class="verdict ${failed.length === 0 && data.results.length > 0 ? "pass" : "fail"}">${escapeHtml(verdict)}</p>
<div id="errors"></div>
<h2>Timeline</h2>
<p>At the start the Patroni leader was <b>${escapeHtml(data.initial.leader ?? "unknown")}</b> and the VIP was on <b>${escapeHtml(data.initial.vipHolders ?? "unknown")}</b>.
Shaded bands: faults. Solid vertical lines: Patroni leader changes; dashed: VIP holder changes.</p>
<div id="operations" class="chart"></div>
<div id="buckets" class="chart"></div>
<div id="latency" class="chart"></div>
<div id="probes" class="chart"></div>
<h2>Checkers</h2>
${resultsTable(data)}
${browserSection(data)}
${alertsSection(data)}
${serverLogSection(data)}
<h2>Faults</h2>
${faultsTable(data)}
<h2>Operations</h2>
${countsTable(data)}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${echartsSource()}</script>
<script>${pageScript()}</script>
</body>
</html>
`;
}
