import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Puts a process tree on Linux's SCHED_IDLE policy: it runs only on CPU that nothing else wants.
 * Every thread of `rootPid` and of its descendants, except the processes in `done` (whose threads
 * were set already); returns the processes it set. A thread or process started later by one of
 * them inherits the policy, so a tree set once stays set.
 *
 * Why not nice 19: on cgroup v1 every container of the lab shares one group (`/docker`) that weighs
 * as much as a single host thread at nice 0, and a browser's dozen threads at nice 10 together still
 * outweighed the whole lab (measured: Chromium kept 0.3-0.6 of the two cores while the lab recovered
 * from a fault). A SCHED_IDLE thread weighs 3.
 *
 * `chrt` (util-linux) sets it: one exec per process, side by side, none blocking the caller's event
 * loop (the run's workload and probes share it). A process that ended in between is skipped;
 * without chrt or /proc nothing is set.
 */
export async function idleProcessTree(rootPid: number, done: ReadonlySet<number> = new Set()): Promise<number[]> {
  const pending = descendantsOf(rootPid).filter((pid) => !done.has(pid));
  const set = await Promise.all(
    pending.map((pid) =>
      run("chrt", ["--idle", "--all-tasks", "--pid", "0", String(pid)]).then(
        () => pid,
        () => undefined, // the process ended since it was listed, or there is no chrt: it keeps its policy
      ),
    ),
  );
  return set.filter((pid): pid is number => pid !== undefined);
}

const run = promisify(execFile);

/** `rootPid` and every process below it, from /proc's parent links. */
function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of listDir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  if (!listDir("/proc").includes(String(rootPid))) return [];
  const found: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    found.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ...", where comm may itself hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
