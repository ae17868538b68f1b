import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * Gives a process tree a lower CPU priority: every thread of `rootPid` and of its descendants. On
 * Linux a nice value belongs to a thread, not to a process, and a new thread or process takes the
 * one of the thread that made it: lowering every thread that exists now (Chromium's zygote among
 * them) lowers what they start later too. Returns how many threads were changed; a thread that
 * ended in between is skipped. Without /proc (not Linux) it changes nothing and returns 0.
 */
export function lowerPriority(rootPid: number, niceness: number): number {
  let changed = 0;
  for (const pid of descendantsOf(rootPid)) {
    for (const tid of threadsOf(pid)) {
      try {
        setPriority(tid, niceness);
        changed++;
      } catch {
        // the thread ended since it was listed
      }
    }
  }
  return changed;
}

/** `rootPid` and every process below it, from /proc's parent links. */
function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of listDir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
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

function threadsOf(pid: number): number[] {
  return listDir(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
