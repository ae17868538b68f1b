import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { idleProcessTree } from "../src/browser/idle-process-tree.ts";

const SCHED_IDLE = 5;

/** The scheduling policy of every thread of `pid`: field 41 of /proc/<pid>/task/<tid>/stat. */
function policies(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[38]);
  });
}

function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("idleProcessTree", () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) process.kill(-pid, "SIGKILL");
  });

  it("puts every thread of a process and of the processes below it on SCHED_IDLE, and what they start afterwards", async () => {
    // A shell with a child of its own, and a pipe that says when each child exists.
    const shell = spawn("sh", ["-c", "sleep 60 & echo started; read line; sleep 60 & echo again; wait"], { detached: true, stdio: ["pipe", "pipe", "ignore"] });
    started.push(shell.pid!);
    const said = (text: string) => new Promise<void>((resolve) => shell.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes(text) && resolve()));
    await said("started");
    const [first] = childrenOf(shell.pid!);
    expect(policies(first!)).not.toContain(SCHED_IDLE);

    const set = await idleProcessTree(shell.pid!);
    expect(set.sort()).toEqual([shell.pid!, first!].sort());
    expect(policies(shell.pid!)).toEqual([SCHED_IDLE]);
    expect(policies(first!)).toEqual([SCHED_IDLE]);
    // Nothing outside the tree: this process keeps its own.
    expect(policies(process.pid)).not.toContain(SCHED_IDLE);

    // The shell starts another child now: it is on SCHED_IDLE from the start, and a second call
    // sets only what the first did not.
    const again = said("again");
    shell.stdin!.write("go\n");
    await again;
    const second = childrenOf(shell.pid!).find((pid) => pid !== first)!;
    expect(policies(second)).toEqual([SCHED_IDLE]);
    expect(await idleProcessTree(shell.pid!, new Set(set))).toEqual([second]);
  });

  it("sets nothing for a process that is not there", async () => {
    expect(await idleProcessTree(2 ** 22 + 1)).toEqual([]);
  });
});
