/**
 * A long-lived command on a node whose client end may go away without ending it (the Docker engine
 * keeps an exec running; a remote command outlives its ssh until it next writes). Wrapped so its
 * first line of output is its pid on the node (kept across `exec`): `stop()` can then kill it there.
 */
export function pidReportingCommand(command: string[]): string[] {
  return ["sh", "-c", 'echo "$$"; exec "$@"', "spawn", ...command];
}

/** Splits a pidReportingCommand's output: the first line is the pid, the rest goes to `onStdout`. */
export class PidThenOutput {
  private pending = "";
  private firstLine: string | undefined;

  constructor(private readonly onStdout: (text: string) => void) {}

  write(text: string): void {
    if (this.firstLine !== undefined) return this.onStdout(text);
    this.pending += text;
    const newline = this.pending.indexOf("\n");
    if (newline < 0) return;
    this.firstLine = this.pending.slice(0, newline).trim();
    if (newline + 1 < this.pending.length) this.onStdout(this.pending.slice(newline + 1));
  }

  /** The command's pid on the node, once it has said so. */
  get pid(): string | undefined {
    return this.firstLine !== undefined && /^\d+$/.test(this.firstLine) ? this.firstLine : undefined;
  }
}
