import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseCacheKey, localDatabaseCache } from "../src/database-cache.ts";
import { ODOO_SNAPSHOT_CONTENT } from "@odoo-ha-lab/roles";

describe("the database cache", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "lab-db-cache-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("holds nothing for a key it never kept, then the snapshot it was given, byte for byte", async () => {
    let asked = 0;
    const cache = localDatabaseCache(async () => (asked++, "k1"), root);
    expect(await cache.get()).toBeUndefined();
    const snapshot = { dump: Buffer.from([0, 1, 2, 255]), filestore: Buffer.from("tar.gz bytes") };
    await cache.put(snapshot);
    expect(await cache.get()).toEqual(snapshot);
    expect(asked).toBe(1); // worked out once, however often the cache is used
    expect(await localDatabaseCache(async () => "k2", root).get()).toBeUndefined();
    // Written beside its place and renamed: nothing partial is left.
    expect(readdirSync(root)).toEqual(["k1"]);
  });

  it("keys a snapshot by the Odoo image and the PostgreSQL image, by content", () => {
    const key = databaseCacheKey({ odoo: "sha256:aaa", postgres: "sha256:bbb" });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(databaseCacheKey({ odoo: "sha256:aaa", postgres: "sha256:bbb" })).toBe(key);
    expect(databaseCacheKey({ odoo: "sha256:aab", postgres: "sha256:bbb" })).not.toBe(key);
    expect(databaseCacheKey({ odoo: "sha256:aaa", postgres: "sha256:bbc" })).not.toBe(key);
  });

  it("keys a snapshot by what it holds: the modules installed, the asset bundles built into it, the users prepared", () => {
    const parts = { odoo: "sha256:aaa", postgres: "sha256:bbb" };
    const content = ODOO_SNAPSHOT_CONTENT;
    expect(databaseCacheKey(parts, content)).toBe(databaseCacheKey(parts));
    expect(databaseCacheKey(parts, { ...content, modules: ["base", "sale"] })).not.toBe(databaseCacheKey(parts));
    // A snapshot of before the bundles were built into it is not taken for one with them.
    expect(databaseCacheKey(parts, { ...content, bundles: [] })).not.toBe(databaseCacheKey(parts));
    expect(databaseCacheKey(parts, { ...content, users: [] })).not.toBe(databaseCacheKey(parts));
  });
});
