import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { TopologyIssue } from "./errors.ts";

/**
 * The most a hand-written input file (a topology, a scenario, an inventory) may hold: forty times the
 * largest real one (3 KiB), and small enough to be parsed and checked within a second (YAML parses
 * at about 5 µs per byte here: a 1 MiB file took 5.6 s).
 */
export const MAX_INPUT_FILE_BYTES = 128 * 1024;

/** A user's input file as text, or the one issue that stops it being read (too big, unreadable, empty). */
export function readInputFile(path: string, fixUnreadable: string): { text: string } | { issue: TopologyIssue } {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, "r");
    const size = fstatSync(descriptor).size;
    if (size > MAX_INPUT_FILE_BYTES) {
      return { issue: { path: "(file)", message: `is ${(size / 1024).toFixed(0)} KiB; an input file is at most ${MAX_INPUT_FILE_BYTES / 1024} KiB`, fix: "is this the right file? A topology, scenario or inventory is a few KiB of YAML" } };
    }
    const buffer = Buffer.alloc(size);
    const read = size === 0 ? 0 : readSync(descriptor, buffer, 0, size, 0);
    const text = buffer.subarray(0, read).toString("utf8");
    if (text.trim() === "") return { issue: { path: "(file)", message: "is empty", fix: "write the file, starting from an example (labs/odoo-ha/topology.yaml, scenarios/kill-master.yaml, docs/ssh-target.md)" } };
    return { text };
  } catch (error) {
    return { issue: { path: "(file)", message: `cannot read it: ${(error as Error).message}`, fix: fixUnreadable } };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
