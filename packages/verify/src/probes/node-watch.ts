import { readFileSync } from "node:fs";
import type { Host, RunningCommand } from "@odoo-ha-lab/machine";

/** A quick question a node answers about itself: one command, judged by its exit code and output. */
export interface NodeCheck {
  name: string;
  command: string[];
  /** How long the command may take on the node itself (curl's --max-time, timeout(1)'s limit). */
  boundMs: number;
  /** The same question answered inside the watch's own process, as `command` answers it (node-watch.py). */
  native?: NativeCheck;
}

/** The checks node-watch.py answers without starting a process, each as the command it stands for. */
export type NativeCheck =
  | { kind: "http-get"; url: string; timeoutSeconds: number } // curl -sf --max-time
  | { kind: "addresses"; device: string } // ip -o -4 addr show dev
  | { kind: "mounted"; path: string; timeoutSeconds: number } // timeout N mountpoint -q
  | { kind: "responsive"; path: string; timeoutSeconds: number }; // timeout N stat

/** One check's answer, its output folded onto one line. */
export interface CheckAnswer {
  exitCode: number;
  stdout: string;
}

/** Every check of one sample, by name. */
export type NodeSample = ReadonlyMap<string, CheckAnswer>;

export interface NodeWatchOptions {
  intervalMs: number;
  /** The loop on the node ends by itself after this long, should nobody stop it. */
  maxDurationMs: number;
  /** How long a loop just started may stay silent before its checks are asked by exec instead. */
  loopStartMs?: number;
}

/**
 * A node's checks, asked by a loop that runs on the node and prints a sample every `intervalMs`.
 * Sampling this way costs one long-lived process per node for a whole run. Asking with one exec per
 * check and sample cost ~35 ms of dockerd and containerd CPU each (measured here). At 32 a second
 * that took most of two cores from the lab under test, and HAProxy's checks timed out. The loop
 * (node-watch.py) answers the checks that have a native form in its own process: a process per
 * check and sample still took ~0.4 of a core (docs/benchmarks.md).
 *
 * Where the host cannot keep a command running (no `spawn`), while the loop is down (the node was
 * killed; it is restarted every interval), or when the loop has gone silent (a paused node), each
 * check is asked with an exec of its own, bounded by the host's `silentAfterMs`.
 */
export class NodeWatch {
  private running: RunningCommand | undefined;
  private stopped = false;
  private partial = "";
  private lines: string[] = [];
  private readonly waiting = new Set<(sample: NodeSample) => void>();
  private loop: Promise<void> | undefined;
  private asking: Promise<NodeSample | undefined> | undefined;
  /** When the loop last started or completed a sample. */
  private lastHeardAt = 0;
  /** Whether the loop running now has said anything yet (its `ready` comes after Python's start). */
  private heardFromLoop = false;

  constructor(
    private readonly host: Host,
    readonly checks: readonly NodeCheck[],
    private readonly options: NodeWatchOptions,
  ) {}

  start(): void {
    if (this.host.spawn && !this.loop) this.loop = this.keepRunning();
  }

  /**
   * The first sample the node completes after this call; undefined when the node cannot answer, or
   * not within `withinMs` (a powered-off machine leaves an exec hanging until its timeout).
   */
  async next(withinMs?: number): Promise<NodeSample | undefined> {
    if (withinMs === undefined) return this.nextSample();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), withinMs)));
    const sample = await Promise.race([this.nextSample(), late]);
    clearTimeout(timer);
    return sample;
  }

  private async nextSample(): Promise<NodeSample | undefined> {
    if (!this.running) return this.askOnce();
    // Silence: a few intervals without a sample. A loaded node is slow, a paused one says nothing.
    // A loop still starting gets longer: starting Python took over a second on a busy machine.
    const silentAfter = this.heardFromLoop ? Math.max(1_000, 4 * this.options.intervalMs) : (this.options.loopStartMs ?? LOOP_START_MS);
    // Still silent since the last time (a powered-off machine holds its ssh session open for a
    // while): ask at once rather than wait through the silence again on every sample.
    if (Date.now() - this.lastHeardAt > silentAfter) return this.askOnce();
    let resolveSample: (sample: NodeSample) => void = () => undefined;
    const sample = new Promise<NodeSample>((resolve) => {
      resolveSample = resolve;
      this.waiting.add(resolve);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<"silent">((resolve) => (timer = setTimeout(() => resolve("silent"), silentAfter)));
    const first = await Promise.race([sample, silence]);
    clearTimeout(timer);
    this.waiting.delete(resolveSample);
    return first === "silent" ? this.askOnce() : first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.stop();
    await this.loop;
  }

  private async keepRunning(): Promise<void> {
    while (!this.stopped) {
      try {
        this.partial = "";
        this.lines = [];
        this.heardFromLoop = false;
        const running = await this.host.spawn!(watchCommand(this.checks, this.options), (text) => this.receive(text));
        this.running = running;
        this.lastHeardAt = Date.now();
        if (this.stopped) await running.stop(); // stop() came while it was starting
        await running.ended;
      } catch {
        // The node is down (a killed container refuses at once): try again after an interval.
      }
      this.running = undefined;
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs)); // pacing of restarts, not a wait for a condition
    }
  }

  private receive(text: string): void {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    // Any line is a sign of life: the loop's `ready`, before its first sample, counts too.
    if (lines.length > 0) {
      this.lastHeardAt = Date.now();
      this.heardFromLoop = true;
    }
    for (const line of lines) {
      if (line !== ".") {
        this.lines.push(line);
        continue;
      }
      const sample = parseSampleLines(this.lines);
      this.lines = [];
      for (const resolve of this.waiting) resolve(sample);
      this.waiting.clear();
    }
  }

  /** One exec per check; callers that come while one is under way share it (a hung node gets one, not one per sample). */
  private askOnce(): Promise<NodeSample | undefined> {
    this.asking ??= this.askEachCheck().finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async askEachCheck(): Promise<NodeSample | undefined> {
    const answers = await Promise.all(
      this.checks.map(async ({ name, command, boundMs }) => {
        // The command's own bound on the node, and the host's for the way there and back.
        const result = await this.host.exec(command, { timeoutMs: boundMs + this.host.silentAfterMs }).catch(() => undefined);
        return result ? ([name, { exitCode: result.exitCode, stdout: result.stdout.replace(/\n+$/, "").replace(/\n/g, " ") }] as const) : undefined;
      }),
    );
    const answered = answers.filter((answer) => answer !== undefined);
    return answered.length ? new Map(answered) : undefined;
  }
}

/**
 * A sample's lines: `<name`, the check's output as it came, then `>name <exit code>`, per check.
 * The output is folded onto one line here, as an exec's answer is (see askEachCheck).
 */
function parseSampleLines(lines: string[]): NodeSample {
  const sample = new Map<string, CheckAnswer>();
  let name: string | undefined;
  let output: string[] = [];
  for (const line of lines) {
    if (name === undefined) {
      if (line.startsWith("<")) [name, output] = [line.slice(1), []];
      continue;
    }
    const end = /^>(\S+) (\d+)$/.exec(line);
    if (end && end[1] === name) {
      while (output.length > 0 && output[output.length - 1] === "") output.pop();
      sample.set(name, { exitCode: Number(end[2]), stdout: output.join(" ") });
      name = undefined;
    } else output.push(line);
  }
  return sample;
}

/** The default of NodeWatchOptions.loopStartMs: a Python start on a busy lab node, with room. */
const LOOP_START_MS = 5_000;

const WATCH_PROGRAM = readFileSync(new URL("./node-watch.py", import.meta.url), "utf8");

/**
 * The loop a node runs: every interval one sample, each check between its markers (`<name`, its
 * output, `>name <exit code>`), then a line with a single dot; as many samples as fit in
 * maxDurationMs (a backstop: stop() ends it first).
 */
export function watchCommand(checks: readonly NodeCheck[], options: NodeWatchOptions): string[] {
  const config = {
    intervalSeconds: options.intervalMs / 1000,
    samples: Math.ceil(options.maxDurationMs / options.intervalMs),
    checks: checks.map(({ name, command, native }) => ({ name, argv: command, ...(native ? { native } : {}) })),
  };
  return ["python3", "-u", "-c", WATCH_PROGRAM, JSON.stringify(config)];
}
