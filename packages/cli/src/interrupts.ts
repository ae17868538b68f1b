/**
 * Ctrl-C handling shared by `up` and `run`.
 *
 * One Ctrl-C can arrive twice: the terminal signals the whole process group, and `pnpm lab …` also
 * forwards the SIGINT it got to the child it runs. Signals that close together are one key press, so
 * "a second Ctrl-C quits at once" means a second press, not the echo of the first.
 */
export const SAME_KEYPRESS_MS = 1000;

export type InterruptHandler = (signal: NodeJS.Signals, again: boolean) => void;

/** Decides, from arrival times alone, whether a signal is a new press, a repeat press, or an echo. */
export class InterruptCounter {
  private firstAt: number | undefined;
  private lastAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** 'first' for the first press, 'again' for a later one, 'echo' for a copy of the previous one. */
  record(): "first" | "again" | "echo" {
    const at = this.now();
    const echo = at - this.lastAt < SAME_KEYPRESS_MS;
    this.lastAt = at;
    if (echo) return "echo";
    if (this.firstAt === undefined) {
      this.firstAt = at;
      return "first";
    }
    return "again";
  }
}

/** Calls `handle` on SIGINT/SIGTERM (echoes dropped) until the returned function removes the listeners. */
export function onInterrupt(handle: InterruptHandler): () => void {
  const counter = new InterruptCounter();
  // Kept installed after the first signal: without a listener, the echo of that signal would kill the process.
  const listener = (signal: NodeJS.Signals) => {
    const press = counter.record();
    if (press !== "echo") handle(signal, press === "again");
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return () => {
    process.off("SIGINT", listener);
    process.off("SIGTERM", listener);
  };
}

/** The exit code of a process that a signal ended: what a shell shows for it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 130 : 143;
}
