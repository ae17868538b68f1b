/**
 * What a checker says about a history: whether its property held, the numbers it measured (which
 * scenario budgets are compared against), and counterexamples by operation id or instant.
 */
export interface CheckerResult {
  /** e.g. "lost-writes", "split-brain", "single-vip-holder", "recovery:sql.write", "latency:odoo.partner.read" */
  name: string;
  ok: boolean;
  /** e.g. { outageSeconds: 8.2, failed: 40, indeterminate: 2 } or { lost: 0 } or { p50Ms: 12, p95Ms: 40, p99Ms: 90 } */
  metrics: Record<string, number>;
  summary: string;
  counterexamples: string[];
}
