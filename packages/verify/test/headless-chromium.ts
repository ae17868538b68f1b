import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEBIAN_CHROMIUM as CHROMIUM, ensureChromium as ensureBrowser } from "../src/browser/browser-user.ts";

const run = promisify(execFile);
export { CHROMIUM };

/** Debian's chromium (installed if missing, as root), or undefined after a loud warning where only root could install it. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM) || process.getuid?.() === 0) return ensureBrowser();
  console.warn(`\n*** SKIPPING the report rendering test: ${CHROMIUM} is missing and only root can install it (apt-get install -y chromium). ***\n`);
  return undefined;
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
