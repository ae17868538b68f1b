import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ODOO_SNAPSHOT_CONTENT, type OdooDatabaseCache, type OdooSnapshotContent } from "@odoo-ha-lab/roles";
import { REPO_ROOT } from "./state.ts";

/** Beside the labs' own state (.lab/<lab>/), under a name no lab can take. */
export function databaseCacheRoot(): string {
  return join(process.env.LAB_STATE_DIR ?? join(REPO_ROOT, ".lab"), ".cache", "odoo-database");
}

/**
 * The key of a database snapshot: what runs Odoo and PostgreSQL, by content, and what the snapshot
 * holds (ODOO_SNAPSHOT_CONTENT: modules, first pages' bundles, prepared users). On Docker the images'
 * ids (a tag such as odoo:17 may point at another image tomorrow); on the SSH target the Odoo
 * source's sha256 and the PostgreSQL package the machines install.
 */
export function databaseCacheKey(parts: { odoo: string; postgres: string }, content: OdooSnapshotContent = ODOO_SNAPSHOT_CONTENT): string {
  return createHash("sha256").update(JSON.stringify({ ...parts, ...content })).digest("hex");
}

/** What a snapshot holds besides the server that made it. */
export interface SnapshotContent {
  modules: readonly string[];
  bundles: readonly { bundle: string; css: boolean; js: boolean }[];
  /** The users whose web settings it holds. */
  users: readonly string[];
}

/**
 * Snapshots kept as files on this machine, one folder per key, each written whole or not at all.
 * `keyOf` is asked once, when a lab first needs a new database (an `up` of a running lab never does).
 */
export function localDatabaseCache(keyOf: () => Promise<string>, root = databaseCacheRoot()): OdooDatabaseCache {
  let key: Promise<string> | undefined;
  const where = async () => {
    const directory = join(root, await (key ??= keyOf()));
    return { directory, dump: join(directory, "database.pgdump"), filestore: join(directory, "filestore.tar.gz") };
  };
  return {
    key: () => (key ??= keyOf()),
    async get() {
      const files = await where();
      if (!existsSync(files.dump) || !existsSync(files.filestore)) return undefined;
      return { dump: readFileSync(files.dump), filestore: readFileSync(files.filestore) };
    },
    async put(snapshot) {
      const { directory } = await where();
      // A folder beside the final one, renamed into place: a cut-off write leaves no half snapshot.
      const partial = `${directory}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true, mode: 0o700 });
      writeFileSync(join(partial, "database.pgdump"), snapshot.dump, { mode: 0o600 });
      writeFileSync(join(partial, "filestore.tar.gz"), snapshot.filestore, { mode: 0o600 });
      rmSync(directory, { recursive: true, force: true });
      renameSync(partial, directory);
    },
  };
}
