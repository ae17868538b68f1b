import { execFile, spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecOptions, ExecResult, Host, RunningCommand, ServiceManager } from "@odoo-ha-lab/machine";
import { NodeWatch, type NodeCheck } from "../src/probes/node-watch.ts";

/**
 * NodeWatch against this machine as the node: the loop script runs in a real `sh`, so what is tested
 * is the script a lab node runs, its output format and the watch's handling of a loop that ends or
 * goes silent.
 */
class LocalHost implements Host {
  readonly node = "local";
  readonly interfaceName = "lo";
  readonly silentAfterMs = 1_000;
  readonly execs: string[][] = [];
  readonly spawned: ChildProcess[] = [];
  /** Replaces what a spawn runs (a loop that prints nothing: a paused node). */
  spawnInstead: string[] | undefined;
  /** A spawn is refused, as by a container that is not running. */
  refuseSpawn = false;

  exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.execs.push(command);
    return new Promise((resolve) => {
      execFile(command[0]!, command.slice(1), { timeout: options.timeoutMs }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ exitCode: code, stdout, stderr });
      });
    });
  }

  async spawn(command: string[], onStdout: (text: string) => void): Promise<RunningCommand> {
    if (this.refuseSpawn) throw new Error("container is not running");
    const [program, ...args] = this.spawnInstead ?? command;
    const child = spawn(program!, args, { stdio: ["ignore", "pipe", "ignore"] });
    this.spawned.push(child);
    child.stdout!.on("data", (chunk: Buffer) => onStdout(chunk.toString()));
    const ended = new Promise<void>((resolve) => child.on("close", () => resolve()));
    return { ended, stop: async () => void child.kill("SIGTERM") };
  }

  async writeFile(): Promise<boolean> {
    throw new Error("not used by watches");
  }

  async readFile(): Promise<string | undefined> {
    return undefined;
  }

  get services(): ServiceManager {
    throw new Error("not used by watches");
  }
}

const CHECKS: NodeCheck[] = [
  { name: "vip", command: ["printf", "2: lo    inet 127.0.0.1/8\n2: lo    inet 10.9.0.100/32\n"], boundMs: 0 },
  { name: "patroni", command: ["sh", "-c", "echo '{\"members\": []}'; exit 7"], boundMs: 0 },
];

let watch: NodeWatch | undefined;
afterEach(async () => {
  await watch?.stop();
  watch = undefined;
});

const settled = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

describe("NodeWatch", () => {
  it("answers every check from one loop running on the node, with no exec per sample", async () => {
    const host = new LocalHost();
    watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
    watch.start();
    await expect.poll(() => host.spawned.length).toBe(1);
    const samples = [];
    for (let index = 0; index < 3; index++) samples.push(await watch.next());
    for (const sample of samples) {
      expect(sample?.get("vip")).toEqual({ exitCode: 0, stdout: "2: lo    inet 127.0.0.1/8 2: lo    inet 10.9.0.100/32" });
      expect(sample?.get("patroni")).toEqual({ exitCode: 7, stdout: '{"members": []}' });
    }
    expect(host.execs).toEqual([]);
    await watch.stop();
    await expect.poll(() => settled(host.spawned[0]!)).toBe(true);
  });

  it("reads an empty answer, one without a final newline and one with blank lines as an exec's would be folded", async () => {
    const checks: NodeCheck[] = [
      { name: "mounted", command: ["sh", "-c", "exit 32"], boundMs: 0 },
      { name: "bare", command: ["printf", "no newline"], boundMs: 0 },
      { name: "gaps", command: ["printf", "a\n\nb\n\n"], boundMs: 0 },
    ];
    const host = new LocalHost();
    watch = new NodeWatch(host, checks, { intervalMs: 50, maxDurationMs: 60_000 });
    watch.start();
    await expect.poll(() => host.spawned.length).toBe(1);
    const looped = await watch.next();
    host.refuseSpawn = true;
    host.spawned[0]!.kill("SIGKILL");
    await expect.poll(() => settled(host.spawned[0]!)).toBe(true);
    const asked = await watch.next();
    expect(host.execs).toHaveLength(checks.length);
    expect([...looped!.entries()]).toEqual([...asked!.entries()]);
    expect(Object.fromEntries(looped!)).toEqual({
      mounted: { exitCode: 32, stdout: "" },
      bare: { exitCode: 0, stdout: "no newline" },
      gaps: { exitCode: 0, stdout: "a  b" },
    });
  });

  it("asks with an exec per check while the loop is down, and starts the loop again", async () => {
    const host = new LocalHost();
    watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
    watch.start();
    await expect.poll(() => host.spawned.length).toBe(1);
    expect(await watch.next()).toBeDefined();
    host.refuseSpawn = true;
    host.spawned[0]!.kill("SIGKILL"); // the node's loop dies with it
    await expect.poll(() => settled(host.spawned[0]!)).toBe(true);
    const whileDown = await watch.next();
    expect(whileDown?.get("patroni")?.exitCode).toBe(7);
    expect(host.execs.map((command) => command[0])).toEqual(["printf", "sh"]);
    host.refuseSpawn = false; // the node is back
    await expect.poll(() => host.spawned.length).toBe(2);
  });

  it("asks with an exec per check when the loop goes silent (a paused node)", async () => {
    const host = new LocalHost();
    host.spawnInstead = ["sleep", "30"];
    watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
    watch.start();
    await expect.poll(() => host.spawned.length).toBe(1);
    const sample = await watch.next();
    expect(sample?.get("vip")?.stdout).toBe("2: lo    inet 127.0.0.1/8 2: lo    inet 10.9.0.100/32");
    expect(host.execs.map((command) => command[0])).toEqual(["printf", "sh"]);
  });

  it("asks at once while the loop stays silent, not after another wait (a powered-off machine keeps its ssh session open)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const host = new LocalHost();
      host.spawnInstead = ["sleep", "30"];
      watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
      watch.start();
      await expect.poll(() => host.spawned.length).toBe(1);
      const first = watch.next();
      await vi.advanceTimersByTimeAsync(1_500); // through the silence (1 s here)
      expect((await first)?.get("vip")).toBeDefined();
      // No timer moves from here on: a watch that waited through the silence again would never answer.
      expect((await watch.next())?.get("patroni")?.exitCode).toBe(7);
      expect(host.execs.map((command) => command[0])).toEqual(["printf", "sh", "printf", "sh"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives up on a node that does not answer within the caller's bound, and asks a hung node once for all callers", async () => {
    const host = new LocalHost();
    host.refuseSpawn = true;
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    host.exec = async (command) => {
      host.execs.push(command);
      await hung; // a powered-off machine: the exec hangs until its own timeout
      return { exitCode: 0, stdout: "late", stderr: "" };
    };
    watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
    expect(await Promise.all([watch.next(20), watch.next(20), watch.next(20)])).toEqual([undefined, undefined, undefined]);
    expect(host.execs).toHaveLength(CHECKS.length);
    release();
    expect((await watch.next())?.get("vip")?.stdout).toBe("late");
    // Once that exec has ended, the next call asks anew.
    await watch.next();
    expect(host.execs).toHaveLength(2 * CHECKS.length);
  });

  it("answers nothing for a node that cannot be asked at all", async () => {
    const host = new LocalHost();
    const gone: NodeCheck[] = [{ name: "vip", command: ["/nonexistent/ip"], boundMs: 0 }];
    host.exec = async () => {
      throw new Error("container is not running");
    };
    watch = new NodeWatch(host, gone, { intervalMs: 50, maxDurationMs: 60_000 });
    expect(await watch.next()).toBeUndefined();
  });
});
