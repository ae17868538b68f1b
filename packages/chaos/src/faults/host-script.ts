import type { ExecResult, Host } from "@odoo-ha-lab/machine";

/** A script a fault runs on a node failed: names the node, what it tried, and what the node said. */
export class HostScriptError extends Error {
  constructor(
    readonly node: string,
    readonly purpose: string,
    readonly result: ExecResult,
    hint = "",
  ) {
    const output = (result.stderr || result.stdout).trim().split("\n").slice(-6).join("\n    ");
    super(`on ${node}: ${purpose} failed (exit ${result.exitCode})${output ? `:\n    ${output}` : ""}${hint}`);
    this.name = "HostScriptError";
  }
}

/** Runs a POSIX sh script with arguments ($1…) in one round trip; data goes in as arguments, not spliced in. */
export async function runScript(host: Host, purpose: string, script: string, args: string[] = [], options: { env?: Record<string, string>; user?: string; hint?: (stderr: string) => string } = {}): Promise<string> {
  const result = await host.exec(["sh", "-c", script, "sh", ...args], { timeoutMs: 60_000, ...(options.env ? { env: options.env } : {}), ...(options.user ? { user: options.user } : {}) });
  if (result.exitCode !== 0) throw new HostScriptError(host.node, purpose, result, options.hint?.(result.stderr) ?? "");
  return result.stdout;
}
