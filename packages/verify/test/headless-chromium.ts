import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installLocalPackages } from "@odoo-ha-lab/roles";

const run = promisify(execFile);
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Debian's chromium, installed if missing (as root, with apt-get). Returns undefined, after a loud
 * warning, only when it is missing and cannot be installed because we are not root.
 */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    console.warn(`\n*** SKIPPING the report rendering test: ${CHROMIUM} is missing and only root can install it (apt-get install -y chromium). ***\n`);
    return undefined;
  }
  const installed = installLocalPackages(["chromium"]);
  if (!installed.ok) throw new Error(`apt-get install chromium failed (exit code ${installed.status}):\n${installed.output}`);
  return CHROMIUM;
}

/** Headless Chromium, offline and with a throw-away profile: nothing reaches the network. */
async function chromium(binary: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "verify-chromium-"));
  try {
    const { stdout } = await run(
      binary,
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its scripts ran (virtual time lets the charts' animation frames run). */
export function dumpDom(binary: string, url: string): Promise<string> {
  return chromium(binary, ["--virtual-time-budget=10000", "--dump-dom", url]);
}

export async function screenshot(binary: string, url: string, file: string, size = "1400,1000"): Promise<void> {
  await chromium(binary, ["--virtual-time-budget=10000", `--screenshot=${file}`, `--window-size=${size}`, url]);
}
