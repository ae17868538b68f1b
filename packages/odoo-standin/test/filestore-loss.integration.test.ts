import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { OdooClient, OdooRpcError } from "../src/client/odoo-client.ts";
import { uniqueDatabaseName } from "./support/postgres.ts";
import { initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type Standin, type StandinOptions } from "./support/standin.ts";

/**
 * The shared data_dir disappearing (a GlusterFS mount gone): what fails is what fails on a real
 * Odoo 17. Writing an attachment and opening a session fail with Python's OSError family; reading
 * an attachment gives `datas: false` (Odoo's _file_read swallows the error); an existing web
 * session looks expired; pure database work goes on. Everything comes back with the directory.
 * Tests run as root, for whom chmod 000 changes nothing: the directory is replaced by a file.
 */

const postgres = inject("postgres");
const database = uniqueDatabaseName("fsloss");
const dataDir = join(temporaryDirectory("standin-fsloss"), "data");
const base: Omit<StandinOptions, "name"> = { postgres, database, dataDir };
let server: Standin;
let admin: OdooClient;
let web: OdooClient;
let attachment: number;
const content = Buffer.from("kept on the shared filestore\n");

async function rpcError(call: Promise<unknown>): Promise<OdooRpcError> {
  const started = Date.now();
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OdooRpcError);
  expect(Date.now() - started).toBeLessThan(10_000); // an error, not a hang
  return error as OdooRpcError;
}

beforeAll(async () => {
  await initDatabase({ name: "init", ...base });
  server = await startStandin({ name: "a", ...base, workers: 2 });
  admin = new OdooClient({ url: server.url, db: database });
  expect(await admin.login("admin", "admin")).toBe(2);
  web = new OdooClient({ url: server.url, db: database });
  await web.authenticate("admin", "admin");
  attachment = await admin.executeKw<number>("ir.attachment", "create", [{ name: "kept.txt", datas: content.toString("base64") }]);
});

afterAll(async () => {
  await server?.stop();
  removeTemporaryDirectories();
});

describe("filestore unavailable", () => {
  it("fails filestore work the way Odoo does while database work goes on, then recovers", async () => {
    renameSync(dataDir, `${dataDir}.away`);
    writeFileSync(dataDir, "the mount is gone\n");
    try {
      const write = await rpcError(admin.executeKw("ir.attachment", "create", [{ name: "new.txt", datas: Buffer.from("new").toString("base64") }]));
      expect(write.code).toBe(200);
      expect(write.pythonName).toBe("builtins.NotADirectoryError");
      expect(write.data.message).toMatch(/^\[Errno 20\] Not a directory: '/);

      const [read] = await admin.executeKw<{ datas: string | false; file_size: number }[]>("ir.attachment", "read", [[attachment], ["datas", "file_size"]]);
      expect(read).toEqual({ id: attachment, datas: false, file_size: content.length });

      const login = await rpcError(new OdooClient({ url: server.url, db: database }).authenticate("admin", "admin"));
      expect(login.pythonName).toMatch(/^builtins\.\w*Error$/);
      expect((await rpcError(web.callKw("res.partner", "search_count", [[]]))).isSessionExpired).toBe(true);

      const partner = await admin.executeKw<number>("res.partner", "create", [{ name: "Written while the filestore is down" }]);
      expect(await admin.executeKw("res.partner", "search_count", [[["id", "=", partner]]])).toBe(1);
      expect(await web.health()).toBe(true);
    } finally {
      rmSync(dataDir);
      renameSync(`${dataDir}.away`, dataDir);
    }

    const [back] = await admin.executeKw<{ datas: string }[]>("ir.attachment", "read", [[attachment], ["datas"]]);
    expect(back?.datas).toBe(content.toString("base64"));
    expect(await admin.executeKw<number>("ir.attachment", "create", [{ name: "after.txt", datas: Buffer.from("after").toString("base64") }])).toBeGreaterThan(attachment);
    // The session file is readable again, so the "logged out" user is back.
    expect(await web.callKw<number>("res.partner", "search_count", [[]])).toBeGreaterThan(0);
  });
});
