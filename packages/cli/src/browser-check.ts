import { join } from "node:path";
import { odooAdminCredentials, webUrl, type LabSecrets, type ProgressEvent } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import { BrowserUser, describeStep, ensureChromium, type BrowserStep } from "@odoo-ha-lab/verify";
import { labStateDir } from "./state.ts";

export interface BrowserCheck {
  ok: boolean;
  steps: { step: string; ok: boolean; seconds: number; seen: string; screenshot?: string }[];
}

/**
 * The last check of `up`: a person in a real browser (Debian's Chromium) through the VIP logs in and
 * gets the web client whole (every bundle and call answered), and opens the contacts. JSON-RPC alone
 * said "up" while nearly every login landed on a blank page (a stale session file, docs/real-odoo.md).
 * Screenshots go to .lab/<lab>/browser-check/.
 */
export async function browserCheck(topology: Topology, secrets: LabSecrets, progress: (event: ProgressEvent) => void): Promise<BrowserCheck> {
  const { login, password } = odooAdminCredentials(secrets);
  const user = await BrowserUser.launch({
    url: webUrl(topology),
    database: topology.odoo.database,
    login,
    password,
    chromium: ensureChromium(),
    screenshotsDir: join(labStateDir(topology.name), "browser-check"),
    stepTimeoutMs: 30_000,
  });
  const steps: BrowserCheck["steps"] = [];
  try {
    for (const take of [() => user.login(), () => user.openList()]) {
      const step = summary(await take());
      steps.push(step);
      progress({ stage: "browser", message: `${step.step}: ${step.ok ? `a whole page in ${step.seconds.toFixed(1)} s` : `${step.seen} (${step.screenshot ?? "no screenshot"})`}` });
      if (!step.ok) break;
    }
  } finally {
    await user.close();
  }
  return { ok: steps.every((step) => step.ok), steps };
}

function summary(step: BrowserStep): BrowserCheck["steps"][number] {
  return { step: step.step, ok: step.ok, seconds: (step.completedAt - step.startedAt) / 1000, seen: step.ok ? "a whole page" : describeStep(step), ...(step.screenshot ? { screenshot: step.screenshot } : {}) };
}
