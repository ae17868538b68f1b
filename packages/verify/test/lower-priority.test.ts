import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { lowerPriority } from "../src/browser/lower-priority.ts";

/** Every thread of the processes whose parent is `pid`, with the nice value each has. */
function childThreads(pid: number): { tid: number; nice: number }[] {
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
    .flatMap((child) => readdirSync(`/proc/${child}/task`).map((tid) => ({ tid: Number(tid), nice: getPriority(Number(tid)) })));
}

describe("lowerPriority", () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) process.kill(-pid, "SIGKILL");
  });

  it("lowers every thread of a process and of the processes below it, and what they start afterwards", async () => {
    // A shell with a child of its own, and a pipe that says when the child exists.
    const shell = spawn("sh", ["-c", "sleep 60 & echo started; read line; sleep 60 & echo again; wait"], { detached: true, stdio: ["pipe", "pipe", "ignore"] });
    started.push(shell.pid!);
    const said = (text: string) => new Promise<void>((resolve) => shell.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes(text) && resolve()));
    await said("started");
    expect(childThreads(shell.pid!).length).toBeGreaterThan(0);

    expect(lowerPriority(shell.pid!, 7)).toBeGreaterThanOrEqual(2);
    expect(getPriority(shell.pid!)).toBe(7);
    expect(childThreads(shell.pid!).every((thread) => thread.nice === 7)).toBe(true);
    // (and nothing outside the tree: this process keeps its own)
    expect(getPriority()).toBe(0);

    // The shell starts another child now: it takes the shell's lower priority.
    const again = said("again");
    shell.stdin!.write("go\n");
    await again;
    const children = childThreads(shell.pid!);
    expect(children.length).toBe(2);
    expect(children.map((thread) => thread.nice)).toEqual([7, 7]);
  });

  it("changes nothing for a process that is not there", () => {
    expect(lowerPriority(2 ** 22 + 1, 7)).toBe(0);
  });
});
