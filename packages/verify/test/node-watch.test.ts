import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecOptions, ExecResult, Host, RunningCommand, ServiceManager } from "@odoo-ha-lab/machine";
import { NodeWatch, type NodeCheck, type NodeSample } from "../src/probes/node-watch.ts";
import { WatchedHost } from "../src/probes/watched-host.ts";

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
      await vi.advanceTimersByTimeAsync(5_500); // through the silence of a loop that never started (5 s)
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

  describe("checks answered inside the watch's process (node-watch.py)", () => {
    let server: Server | undefined;
    afterEach(() => server?.close());

    /** A local HTTP server: /ok answers 200 with a body, /down 503, /hang never. */
    async function serve(): Promise<string> {
      server = createServer((request, response) => {
        if (request.url === "/ok") response.end('{"members": [{"name": "postgresql1"}]}');
        else if (request.url === "/down") response.writeHead(503).end("no");
      });
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    }

    async function sampleOf(checks: NodeCheck[]): Promise<NodeSample> {
      const host = new LocalHost();
      // (a first sample is asked at once. What is compared is the answers, so the loop gets a minute
      // to start and a minute for its sample (4 intervals) before an exec is asked instead: the unit
      // stage runs on two cores beside the other packages' tests, and a loop of eight commands, each
      // started by `timeout` or curl, took over 5 s there in CI.)
      const own = new NodeWatch(host, checks, { intervalMs: 15_000, maxDurationMs: 60_000, loopStartMs: 60_000 });
      own.start();
      try {
        await expect.poll(() => host.spawned.length).toBe(1);
        const sample = await own.next();
        expect(host.execs).toEqual([]);
        return sample!;
      } finally {
        await own.stop();
      }
    }

    it("answers as the commands they stand for do: the same output and exit codes", async () => {
      const url = await serve();
      const closed = "http://127.0.0.1:1/";
      const checks: NodeCheck[] = [
        { name: "ok", command: ["curl", "-sf", "--max-time", "2", `${url}/ok`], boundMs: 2_000, native: { kind: "http-get", url: `${url}/ok`, timeoutSeconds: 2 } },
        { name: "down", command: ["curl", "-sf", "--max-time", "2", `${url}/down`], boundMs: 2_000, native: { kind: "http-get", url: `${url}/down`, timeoutSeconds: 2 } },
        { name: "refused", command: ["curl", "-sf", "--max-time", "2", closed], boundMs: 2_000, native: { kind: "http-get", url: closed, timeoutSeconds: 2 } },
        { name: "root", command: ["timeout", "2", "mountpoint", "-q", "/"], boundMs: 2_000, native: { kind: "mounted", path: "/", timeoutSeconds: 2 } },
        { name: "folder", command: ["timeout", "2", "mountpoint", "-q", "/usr/bin"], boundMs: 2_000, native: { kind: "mounted", path: "/usr/bin", timeoutSeconds: 2 } },
        { name: "missing", command: ["timeout", "2", "mountpoint", "-q", "/nonexistent"], boundMs: 2_000, native: { kind: "mounted", path: "/nonexistent", timeoutSeconds: 2 } },
        { name: "stat", command: ["timeout", "2", "stat", "-t", "/usr/."], boundMs: 2_000, native: { kind: "responsive", path: "/usr/.", timeoutSeconds: 2 } },
        { name: "nostat", command: ["timeout", "2", "stat", "-t", "/nonexistent/."], boundMs: 2_000, native: { kind: "responsive", path: "/nonexistent/.", timeoutSeconds: 2 } },
      ];
      const byCommand = await sampleOf(checks.map(({ native: _native, ...check }) => check));
      const inProcess = await sampleOf(checks);
      const exitCodes = (sample: NodeSample) => Object.fromEntries([...sample].map(([name, answer]) => [name, answer.exitCode]));
      expect(exitCodes(inProcess)).toEqual(exitCodes(byCommand));
      expect(exitCodes(inProcess)).toEqual({ ok: 0, down: 22, refused: 7, root: 0, folder: 32, missing: 1, stat: 0, nostat: 1 });
      expect(inProcess.get("ok")?.stdout).toBe(byCommand.get("ok")?.stdout);
    });

    it("lists the interface's IPv4 addresses as `ip -o -4 addr show dev` does", async () => {
      const check: NodeCheck = { name: "vip", command: ["ip", "-o", "-4", "addr", "show", "dev", "lo"], boundMs: 0, native: { kind: "addresses", device: "lo" } };
      const byCommand = await sampleOf([{ name: check.name, command: check.command, boundMs: 0 }]);
      const inProcess = await sampleOf([check]);
      const addresses = (sample: NodeSample) => [...(sample.get("vip")?.stdout.matchAll(/ inet (\S+)/g) ?? [])].map((match) => match[1]);
      expect(addresses(inProcess)).toEqual(addresses(byCommand));
      expect(addresses(inProcess)).toContain("127.0.0.1/8");
      expect((await sampleOf([{ ...check, native: { kind: "addresses", device: "nosuch0" } }])).get("vip")?.exitCode).toBe(1);
    });

    it("answers 28 for a server that does not answer within the bound, as curl's --max-time", async () => {
      const url = await serve();
      const sample = await sampleOf([{ name: "hang", command: ["false"], boundMs: 500, native: { kind: "http-get", url: `${url}/hang`, timeoutSeconds: 0.5 } }]);
      expect(sample.get("hang")).toEqual({ exitCode: 28, stdout: "" });
    });
  });

  it("serves a watched host's commands that are its checks from the watch, and sends the rest to the node", async () => {
    const host = new LocalHost();
    watch = new NodeWatch(host, CHECKS, { intervalMs: 50, maxDurationMs: 60_000 });
    watch.start();
    await expect.poll(() => host.spawned.length).toBe(1);
    const watched = new WatchedHost(host, watch);
    expect(await watched.exec(CHECKS[1]!.command)).toEqual({ exitCode: 7, stdout: '{"members": []}', stderr: "" });
    expect(await watched.exec(CHECKS[0]!.command, { timeoutMs: 5_000 })).toMatchObject({ exitCode: 0, stdout: "2: lo    inet 127.0.0.1/8 2: lo    inet 10.9.0.100/32" });
    expect(host.execs).toEqual([]);
    // Not a check, or not as the watch asks it (another user): the node runs it.
    expect((await watched.exec(["printf", "asked"])).stdout).toBe("asked");
    await watched.exec(CHECKS[1]!.command, { user: "postgres" });
    expect(host.execs).toEqual([["printf", "asked"], CHECKS[1]!.command]);
    expect(watched.node).toBe("local");
  });
});
