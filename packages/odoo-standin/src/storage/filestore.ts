import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { withDeadline } from "./bounded-fs.ts";

/**
 * Attachments stored the way Odoo 17 stores them: content-addressed by SHA-1 under
 *   <data_dir>/filestore/<db>/<first 2 hex>/<sha1>
 * with `ir_attachment.store_fname` = "<first 2 hex>/<sha1>". The bytes never enter the database.
 */

export function sha1Hex(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

export function filestoreDirectory(dataDir: string, dbname: string): string {
  return join(dataDir, "filestore", dbname);
}

export function storeFnameFor(checksum: string): string {
  return `${checksum.slice(0, 2)}/${checksum}`;
}

export function fullPathOf(dataDir: string, dbname: string, storeFname: string): string {
  // store_fname comes from the database; keep it inside the filestore like Odoo's _full_path does.
  const safe = storeFname.replace(/\.\./g, "").replace(/^[/\\]+|[/\\]+$/g, "");
  return join(filestoreDirectory(dataDir, dbname), safe);
}

export class Filestore {
  constructor(
    readonly dataDir: string,
    readonly dbname: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Writes `bytes` if no file with that checksum exists yet and returns its store_fname. Like
   * Odoo's _get_path/_file_write: creating the directory must succeed (an unavailable mount fails
   * the request), and the file is written in place, not through a temporary file.
   */
  async write(bytes: Uint8Array, checksum: string): Promise<string> {
    const storeFname = storeFnameFor(checksum);
    const path = fullPathOf(this.dataDir, this.dbname, storeFname);
    await withDeadline(mkdir(dirname(path), { recursive: true }), dirname(path), this.timeoutMs);
    if (!(await this.exists(path))) await withDeadline(writeFile(path, bytes), path, this.timeoutMs);
    return storeFname;
  }

  /** The stored bytes; throws the file-system error (the model decides what a failed read means). */
  read(storeFname: string): Promise<Buffer> {
    const path = fullPathOf(this.dataDir, this.dbname, storeFname);
    return withDeadline(readFile(path), path, this.timeoutMs);
  }

  pathOf(storeFname: string): string {
    return fullPathOf(this.dataDir, this.dbname, storeFname);
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await withDeadline(stat(path), path, this.timeoutMs);
      return true;
    } catch {
      return false; // os.path.exists: any error means "not there"
    }
  }
}
