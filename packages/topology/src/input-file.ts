import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
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
    // By type, before it is opened: opening a named pipe waits for a writer, for ever.
    const kind = notAFile(statSync(path));
    if (kind) return { issue: { path: "(file)", message: `is ${kind}, not a file`, fix: "give the path of a YAML file (a topology, a scenario or an inventory)" } };
    descriptor = openSync(path, "r");
    const stat = fstatSync(descriptor);
    const known = stat.size;
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
    const bytes = buffer.subarray(0, length);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      text = "\0";
    }
    if (text.includes("\0")) {
      const utf16 = length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
      return { issue: { path: "(file)", message: `is not UTF-8 text${utf16 ? " (it is UTF-16)" : " (binary data?)"}`, fix: utf16 ? "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" : "give the path of a YAML file (a topology, a scenario or an inventory)" } };
    }
    if (text.trim() === "") return { issue: { path: "(file)", message: "is empty", fix: "write the file, starting from an example (labs/odoo-ha/topology.yaml, scenarios/kill-master.yaml, docs/ssh-target.md)" } };
    return { text };
  } catch (error) {
    return { issue: { path: "(file)", message: `cannot read it: ${(error as Error).message}`, fix: fixUnreadable } };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** What a path is when it is not a regular file: a directory, a named pipe, a device, a socket. */
function notAFile(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}
