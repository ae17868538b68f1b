import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Filestore, filestoreDirectory, fullPathOf, sha1Hex, storeFnameFor } from "../src/storage/filestore.ts";
import { isValidSessionId, newSessionId, sessionPath, SessionStore, emptySessionData } from "../src/storage/sessions.ts";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "standin-storage-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("filestore layout", () => {
  it("is Odoo's: <data_dir>/filestore/<db>/<2 hex>/<sha1>, store_fname '<2 hex>/<sha1>'", () => {
    const checksum = sha1Hex(Buffer.from("hello world"));
    expect(checksum).toBe("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
    expect(storeFnameFor(checksum)).toBe("2a/2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
    expect(filestoreDirectory("/var/lib/odoo", "lab")).toBe("/var/lib/odoo/filestore/lab");
    expect(fullPathOf("/var/lib/odoo", "lab", storeFnameFor(checksum))).toBe("/var/lib/odoo/filestore/lab/2a/2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
  });

  it("keeps a store_fname inside the filestore", () => {
    expect(fullPathOf("/d", "lab", "../../etc/passwd")).toBe("/d/filestore/lab/etc/passwd");
  });

  it("writes content once and reads it back", async () => {
    const store = new Filestore(dataDir, "lab", 5_000);
    const bytes = Buffer.from("content");
    const fname = await store.write(bytes, sha1Hex(bytes));
    expect(readFileSync(join(dataDir, "filestore", "lab", fname), "utf8")).toBe("content");
    expect((await store.read(fname)).toString()).toBe("content");
    expect(await store.write(bytes, sha1Hex(bytes))).toBe(fname);
  });

  it("fails (does not hang) when data_dir is not a directory", async () => {
    const broken = join(dataDir, "gone");
    writeFileSync(broken, "not a directory");
    const store = new Filestore(broken, "lab", 5_000);
    await expect(store.write(Buffer.from("x"), sha1Hex(Buffer.from("x")))).rejects.toMatchObject({ code: "ENOTDIR" });
  });
});

describe("session files", () => {
  it("are <data_dir>/sessions/<first 2 chars>/<84-char id>", () => {
    const sid = newSessionId();
    expect(sid).toMatch(/^[A-Za-z0-9_-]{84}$/);
    expect(isValidSessionId(sid)).toBe(true);
    expect(isValidSessionId("../../etc/passwd")).toBe(false);
    expect(sessionPath("/var/lib/odoo", sid)).toBe(`/var/lib/odoo/sessions/${sid.slice(0, 2)}/${sid}`);
  });

  it("are shared by every store on the same data_dir, and unreadable ones count as missing", async () => {
    const a = new SessionStore(dataDir, 5_000);
    const b = new SessionStore(dataDir, 5_000);
    const sid = newSessionId();
    await a.save({ sid, data: { ...emptySessionData(), db: "lab", uid: 2 } });
    expect(JSON.parse(readFileSync(sessionPath(dataDir, sid), "utf8")).uid).toBe(2);
    expect((await b.get(sid))?.data.uid).toBe(2);
    await b.delete(sid);
    expect(existsSync(sessionPath(dataDir, sid))).toBe(false);
    expect(await a.get(sid)).toBeUndefined();
    expect(await a.get("not-a-session-id")).toBeUndefined();
  });
});
