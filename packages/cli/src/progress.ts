import type { ProgressEvent } from "@odoo-ha-lab/roles";

/** Progress on stderr (stdout stays clean for --json): elapsed time, stage, node, what happened. */
export function progressPrinter(quiet = false): (event: ProgressEvent) => void {
  const started = Date.now();
  return (event) => {
    if (quiet) return;
    const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${elapsed}s] ${event.stage.padEnd(12)} ${(event.node ?? "").padEnd(12)} ${event.message}\n`);
  };
}
