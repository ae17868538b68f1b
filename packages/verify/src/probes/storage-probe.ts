import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/**
 * The shared filestore as each app node sees it: "ok", "unmounted", "unresponsive" (a check timed
 * out: a hung brick stalls rather than fails) or "unreachable" (the node).
 */
export async function probeStorage(context: ProbeContext): Promise<ProbeAnswers["storage"]> {
  const entries = await Promise.all(
    context.endpoints.appNodes.map(async ({ name }) => {
      // No per-node bound here: a hung brick stalls the checks for their own bound, and what they
      // answer then ("unresponsive") is the finding; cutting them short would say "unreachable".
      const sample = await context.watches.get(name)?.next();
      const mounted = sample?.get("mounted");
      const responsive = sample?.get("responsive");
      if (!mounted || !responsive) return [name, "unreachable"] as const;
      if (mounted.exitCode === TIMED_OUT) return [name, "unresponsive"] as const;
      if (mounted.exitCode !== 0) return [name, "unmounted"] as const;
      return [name, responsive.exitCode === 0 ? "ok" : "unresponsive"] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** timeout(1)'s exit code when the command ran out of time. */
const TIMED_OUT = 124;
