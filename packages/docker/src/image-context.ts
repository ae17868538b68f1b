import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { SourceFile } from "@odoo-ha-lab/roles";
import tar from "tar-stream";

/**
 * A docker build context held in memory: the image's own folder plus files shared between
 * contexts (images/common) and the user's Odoo source. Hashing exactly the bytes we
 * send is what makes the content-hashed tags trustworthy.
 */

export const IMAGES_DIR = fileURLToPath(new URL("../images/", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A file of a build context (path inside it, bytes, executable bit): the shape an Odoo source's files have too. */
export type ContextFile = SourceFile;

/** The files of images/<name>/ plus the named files of images/common/. */
export function readContextFiles(name: string, shared: readonly string[] = []): ContextFile[] {
  const files = readFolder(join(IMAGES_DIR, name), "");
  for (const file of shared) files.push(readFile(join(IMAGES_DIR, "common", file), file));
  return files;
}

function readFolder(dir: string, prefix: string): ContextFile[] {
  const files: ContextFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...readFolder(join(dir, entry.name), path));
    else if (entry.isFile()) files.push(readFile(join(dir, entry.name), path));
  }
  return files;
}

export function readFile(source: string, path: string): ContextFile {
  // Only the executable bit matters to the image; other mode bits differ between checkouts.
  return { path, content: readFileSync(source), executable: (statSync(source).mode & 0o111) !== 0 };
}

/** sha256 over the files (sorted, so readdir order does not matter) and everything else that shapes the image. */
export function contextHash(files: readonly ContextFile[], inputs: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const [key, value] of Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`input ${key}=${value}\n`);
  }
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`file ${file.path} ${file.executable ? "755" : "644"} ${file.content.length}\n`);
    hash.update(file.content);
  }
  return hash.digest("hex").slice(0, 12);
}

export function contextTar(files: readonly ContextFile[]): Readable {
  const pack = tar.pack();
  for (const file of files) {
    // Fixed owner and mtime: the daemon's layer cache then depends on content only.
    pack.entry({ name: file.path, mode: file.executable ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0 }, file.content);
  }
  pack.finalize();
  return pack as unknown as Readable;
}
