import { readFileSync } from "node:fs";

/**
 * Latency without netem: iptables queues what the node sends to the peers (NFQUEUE, in OUTPUT), and
 * the lab's own program (nfqueue-delay.py, standard-library Python) accepts each packet after the
 * delay. `--queue-bypass` lets packets through if the program is gone, so a crash never cuts a link.
 */
export const DELAY_PROGRAM_PATH = "/tmp/lab-chaos-nfqueue-delay.py";

export function delayProgram(): string {
  return readFileSync(new URL("./nfqueue-delay.py", import.meta.url), "utf8");
}

/** Every delay process carries this tag in its command line; heal finds it by it. */
export function delayTag(faultId: string): string {
  return `lab-chaos-delay-${faultId}`;
}

/** Matches the tag but not itself, so pgrep/pkill never hit a shell that carries the pattern. */
export function delayPattern(faultId: string): string {
  const tag = delayTag(faultId);
  return `[${tag[0]}]${tag.slice(1)}`;
}

export function delayLogPath(faultId: string): string {
  return `/tmp/${delayTag(faultId)}.log`;
}

/** A queue number per fault (0–65535), so two latency faults on one node do not share a queue. */
export function delayQueueNumber(faultId: string): number {
  let hash = 2166136261;
  for (const character of faultId) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
  return hash % 65536;
}

export function delayRules(faultId: string, peerAddresses: string[]): string[][] {
  return peerAddresses.map((address) => ["-d", address, "-j", "NFQUEUE", "--queue-num", String(delayQueueNumber(faultId)), "--queue-bypass"]);
}

// $1 queue, $2 delay ms; the tag ($TAG) and the log ($LOG, whose name holds the tag) come in the
// environment, so this shell's own command line never matches the pattern pkill looks for.
// Waits (bounded) until the program says it is bound to the queue.
export const START_DELAY = `setsid -f python3 ${DELAY_PROGRAM_PATH} "$1" "$2" "$TAG" </dev/null >"$LOG" 2>&1
t=0
until grep -q '^bound' "$LOG" 2>/dev/null; do
  if [ "$t" -ge 50 ]; then echo "the delay program did not bind NFQUEUE $1 within 5 s:" >&2; cat "$LOG" >&2; exit 1; fi
  sleep 0.1; t=$((t + 1))
done`;

// $1 pattern, $LOG. SIGTERM first: the program releases every packet it still holds, then exits.
export const STOP_DELAY = `pkill -TERM -f -- "$1" || true
t=0
while pgrep -f -- "$1" >/dev/null && [ "$t" -lt 50 ]; do sleep 0.1; t=$((t + 1)); done
pkill -KILL -f -- "$1" || true
rm -f "$LOG"
if pgrep -f -- "$1" >/dev/null; then echo "the delay program survived SIGKILL" >&2; exit 4; fi`;
