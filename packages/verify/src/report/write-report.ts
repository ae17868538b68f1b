import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CheckerResult } from "../checker-result.ts";
import type { History } from "../history.ts";
import { renderReportHtml } from "./report-html.ts";
import { buildTimeline } from "./timeline.ts";

export interface WrittenReport {
  json: string;
  html: string;
}

/** Writes the run's journal: report.json (history + checker results) and a self-contained report.html. */
export async function writeReport(history: History, results: CheckerResult[], dir: string): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, "report.json");
  const html = join(dir, "report.html");
  const ok = results.length > 0 && results.every((result) => result.ok);
  await writeFile(json, `${JSON.stringify({ ok, results, history }, null, 2)}\n`);
  await writeFile(html, renderReportHtml(buildTimeline(history, results)));
  return { json, html };
}
