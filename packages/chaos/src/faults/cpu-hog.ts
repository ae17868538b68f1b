import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems } from "./fault-kind.ts";
import { runScript } from "./host-script.ts";
import { GONE_WITH_THE_NODE, onRunningNode } from "./on-running-node.ts";

/** A hog ends by itself even if nobody heals it (a crashed run must not burn a node forever). */
const DEFAULT_CPU_HOG_SECONDS = 600;

/** Busy loops, `workers` of them (default: the node's CPU count), ending by themselves after `seconds` (default 600). */
const cpuHogSchema = faultSchema({
  kind: z.literal("cpu-hog"),
  node: nodeName,
  workers: z.number().int("a whole number of workers").min(1).max(64).optional(),
  seconds: z.number().int("a whole number of seconds").min(1).max(3600).optional(),
});
type CpuHogSpec = z.output<typeof cpuHogSchema>;

export const cpuHogFault = faultKind({
  schema: cpuHogSchema,
  describe: (spec) => `hog the CPU of ${spec.node} with ${spec.workers ? `${spec.workers} workers` : "one worker per CPU"} for at most ${spec.seconds ?? DEFAULT_CPU_HOG_SECONDS} s`,
  problems: (spec, target) => nodeProblems("node", spec.node, target),
  action: cpuHogAction,
});

/** Every hog process carries this tag in its command line; heal finds them by it. */
export function cpuHogTag(faultId: string): string {
  return `lab-chaos-cpu-${faultId}`;
}

/** A pattern that matches the tag but not itself ("[l]ab…"), so pgrep/pkill never hit a shell that carries it. */
export function cpuHogPattern(faultId: string): string {
  const tag = cpuHogTag(faultId);
  return `[${tag[0]}]${tag.slice(1)}`;
}

// $1 workers (empty: one per CPU), $2 seconds, $3 pattern; the tag comes in $TAG so that this shell's
// own command line does not carry it. setsid + redirects: the hogs outlive this exec session.
const START = `set -e
n=\${1:-$(nproc)}
i=0
while [ "$i" -lt "$n" ]; do
  setsid -f timeout -s KILL "$2" sh -c 'while :; do :; done' "$TAG" </dev/null >/dev/null 2>&1
  i=$((i + 1))
done
# Each worker is two processes (timeout and its sh), both tagged: wait until all have exec'd.
t=0
while [ "$(pgrep -f -- "$3" | wc -l)" -lt $((2 * n)) ] && [ "$t" -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
echo "$n $(pgrep -f -- "$3" | wc -l)"`;

// pkill exits 1 when nothing matched: that is a heal with nothing left to do. A process SIGKILLed
// is gone only once the kernel has torn it down, which on a busy machine outlasted the pgrep right
// after (CI: "survived"): ask again, and kill again, for up to 3 s.
const STOP = `pkill -KILL -f -- "$1" || true
t=0
while pgrep -f -- "$1" >/dev/null && [ "$t" -lt 30 ]; do pkill -KILL -f -- "$1" || true; sleep 0.1; t=$((t + 1)); done
if pgrep -f -- "$1" >/dev/null; then echo "hog processes survived SIGKILL for 3 s" >&2; exit 4; fi`;

/** cpu-hog: busy loops bounded by `timeout`, so even an unhealed hog ends by itself. */
function cpuHogAction(spec: CpuHogSpec): FaultAction {
  return {
    async inject(context) {
      const purpose = "starting CPU hogs";
      await onRunningNode(context, spec.node, purpose, async (host) => {
        const seconds = String(spec.seconds ?? DEFAULT_CPU_HOG_SECONDS);
        const out = await runScript(host, purpose, START, [spec.workers ? String(spec.workers) : "", seconds, cpuHogPattern(context.id)], { env: { TAG: cpuHogTag(context.id) } });
        const [workers = 0, processes = 0] = out.trim().split(" ").map(Number);
        if (!(workers > 0)) throw new Error(`on ${spec.node}: the hog script printed '${out.trim()}', not '<workers> <processes>'`);
        if (processes < 2 * workers) throw new Error(`on ${spec.node}: only ${processes} of ${2 * workers} hog processes started within 5 s`);
        context.note(`${spec.node}: ${workers} busy loops, ending by themselves after ${seconds} s`);
      });
    },
    async heal(context) {
      const purpose = "killing CPU hogs";
      await onRunningNode(context, spec.node, purpose, async (host) => {
        await runScript(host, purpose, STOP, [cpuHogPattern(context.id)]);
      }, GONE_WITH_THE_NODE("its hog processes"));
    },
  };
}
