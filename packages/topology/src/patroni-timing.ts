import type { Topology } from "./model.ts";

/**
 * The Patroni each operating system's packages install (Debian's and Ubuntu's `patroni`), as the
 * lab's targets find them: the Docker images are Debian 12; the SSH target takes what the machine's
 * apt sources offer.
 */
export const PATRONI_OF_OS: Readonly<Record<string, string>> = {
  "debian 12": "3.0.2",
  "debian 13": "4.0.7",
  "ubuntu 22.04": "2.1.2",
  "ubuntu 24.04": "3.2.2",
};

/** Since this version Patroni raises timing values below its minimums, with only a warning in its log. */
const CLAMPING_SINCE = [3, 2, 0] as const;
/** Patroni's minimums (`_validate_and_adjust_timeouts` in patroni/config.py, 3.2.0 and later). */
export const PATRONI_MINIMUMS = { ttl: 20, loopWait: 1, retryTimeout: 3 } as const;

export interface PatroniTimingProblem {
  path: string;
  message: string;
  fix: string;
}

/** Whether a dotted version ("4.0.7") is at least `since` ([4, 0, 0]). */
export function versionAtLeast(version: string, since: readonly number[]): boolean {
  const parts = version.split(".").map(Number);
  for (let index = 0; index < since.length; index++) {
    const part = parts[index] ?? 0;
    if (part !== since[index]) return part > since[index]!;
  }
  return true;
}

/**
 * What the given Patroni would change in the topology's timing, each as the field, what Patroni would
 * do and the fix: values below its minimums are raised. (Patroni also lowers `loopWait`, then
 * `retryTimeout`, when `loopWait + 2 × retryTimeout` exceeds `ttl`; validate.ts refuses that on any
 * Patroni.) The lab refuses instead of letting a gate pass on a failover the machines would not have.
 */
export function patroniTimingProblems(version: string, timing: Topology["postgres"]["patroni"], where = `Patroni ${version}`): PatroniTimingProblem[] {
  if (!versionAtLeast(version, CLAMPING_SINCE)) return [];
  const problems: PatroniTimingProblem[] = [];
  const fix = `set ttl ≥ ${PATRONI_MINIMUMS.ttl}, loopWait ≥ ${PATRONI_MINIMUMS.loopWait} and retryTimeout ≥ ${PATRONI_MINIMUMS.retryTimeout}, with loopWait + 2 × retryTimeout ≤ ttl (e.g. ttl 20, loopWait 2, retryTimeout 4); a failover then takes about ttl + 2 s, and the scenarios' budgets must say so`;
  for (const field of ["ttl", "loopWait", "retryTimeout"] as const) {
    const minimum = PATRONI_MINIMUMS[field];
    if (timing[field] < minimum) {
      problems.push({ path: `postgres.patroni.${field}`, message: `${where} raises ${field} ${timing[field]} to its minimum ${minimum} (with only a warning in its log)`, fix });
    }
  }
  return problems;
}
