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
    // A pipe (/dev/stdin) has no size until read: it is read up to the limit, and one byte more to tell.
    const stat = fstatSync(descriptor);
    const known = stat.isFile() ? stat.size : 0;
    const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
    let length = 0;
    while (known <= MAX_INPUT_FILE_BYTES && length < buffer.length) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    const size = Math.max(known, length);
    if (size > MAX_INPUT_FILE_BYTES) {
      const shown = known > 0 ? `is ${(size / 1024).toFixed(0)} KiB` : `holds more than ${MAX_INPUT_FILE_BYTES / 1024} KiB`;
      return { issue: { path: "(file)", message: `${shown}; an input file is at most ${MAX_INPUT_FILE_BYTES / 1024} KiB`, fix: "is this the right file? A topology, scenario or inventory is a few KiB of YAML" } };
    }
    const text = buffer.subarray(0, length).toString("utf8");
    if (text.trim() === "") return { issue: { path: "(file)", message: "is empty", fix: "write the file, starting from an example (labs/odoo-ha/topology.yaml, scenarios/kill-master.yaml, docs/ssh-target.md)" } };
    return { text };
  } catch (error) {
    return { issue: { path: "(file)", message: `cannot read it: ${(error as Error).message}`, fix: fixUnreadable } };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
