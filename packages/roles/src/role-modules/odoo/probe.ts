import type { Host } from "@odoo-ha-lab/machine";
import { PATHS, PORTS } from "../../render/paths.ts";

/** What the responsive check stats: the filestore's root through its mount (a hung brick stalls it). */
export const FILESTORE_ANSWERS_AT = `${PATHS.odooDataDir}/.`;

/**
 * The shared filestore as an app node sees it: mounted, and answering. Both bounded by `seconds`: a
 * dead brick answers ENOTCONN at once, a hung FUSE mount stalls even `mountpoint`. The one home of
 * these checks: `lab status`, the steady states and a run's storage probe all ask them.
 */
export function filestoreChecks(seconds: number): { mounted: string[]; responsive: string[] } {
  return {
    mounted: ["timeout", String(seconds), "mountpoint", "-q", PATHS.odooDataDir],
    responsive: ["timeout", String(seconds), "stat", "-t", FILESTORE_ANSWERS_AT],
  };
}

/** How long `lab status` and the steady states give each filestore check. */
const STATUS_CHECK_SECONDS = 3;

export async function filestoreStatus(node: string, host: Host | undefined): Promise<{ node: string; mounted: boolean; responsive: boolean }> {
  if (!host) return { node, mounted: false, responsive: false };
  const checks = filestoreChecks(STATUS_CHECK_SECONDS);
  const bound = { timeoutMs: STATUS_CHECK_SECONDS * 1000 + host.silentAfterMs };
  const mounted = (await host.exec(checks.mounted, bound).catch(() => undefined))?.exitCode === 0;
  const responsive = mounted && (await host.exec(checks.responsive, bound).catch(() => undefined))?.exitCode === 0;
  return { node, mounted, responsive };
}

/** Odoo's /web/health asked on the app node itself, as HAProxy's check asks it. */
export async function odooServerHealth(node: string, host: Host | undefined): Promise<{ node: string; healthy: boolean; detail: string }> {
  if (!host) return { node, healthy: false, detail: "no host" };
  const result = await host.exec(["curl", "-s", "--max-time", "3", `http://127.0.0.1:${PORTS.odooHttp}/web/health`], { timeoutMs: 3_000 + host.silentAfterMs }).catch(() => undefined);
  const healthy = result?.exitCode === 0 && result.stdout.includes('"pass"');
  return { node, healthy, detail: result ? result.stdout.trim().slice(0, 80) || `curl exit ${result.exitCode}` : "exec failed" };
}
