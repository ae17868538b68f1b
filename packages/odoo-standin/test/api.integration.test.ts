import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { OdooClient, OdooRpcError } from "../src/client/odoo-client.ts";
import { runMarkerCode } from "../src/cron/code-form.ts";
import { superuserQuery, uniqueDatabaseName } from "./support/postgres.ts";
import { initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type Standin, type StandinOptions } from "./support/standin.ts";

/**
 * The Odoo 17 API surface of the stand-in, driven through OdooClient (which speaks only the real
 * protocol), against real PostgreSQL and real multi-process servers sharing one data_dir.
 */

const postgres = inject("postgres");
const database = uniqueDatabaseName("api");
const dataDir = temporaryDirectory("standin-api-data");
const base: Omit<StandinOptions, "name"> = { postgres, database, dataDir, conf: { proxy_mode: "True" } };
let serverA: Standin;
let serverB: Standin;
let admin: OdooClient;

async function rpcError(call: Promise<unknown>): Promise<OdooRpcError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(OdooRpcError);
    return error as OdooRpcError;
  }
  throw new Error("expected a JSON-RPC error");
}

beforeAll(async () => {
  const firstInit = await initDatabase({ name: "init", ...base });
  expect(firstInit).toMatch(/Create database `api_/);
  // -i base again on an initialised database changes nothing.
  await initDatabase({ name: "init-again", ...base });
  [serverA, serverB] = await Promise.all([startStandin({ name: "a", ...base, workers: 2 }), startStandin({ name: "b", ...base, workers: 1 })]);
  admin = new OdooClient({ url: serverA.url, db: database });
  expect(await admin.login("admin", "admin")).toBe(2);
});

afterAll(async () => {
  await Promise.all([serverA?.stop(), serverB?.stop()]);
  removeTemporaryDirectories();
});

describe("schema and processes", () => {
  it("created Odoo's tables, the admin user and its hashed password", async () => {
    const tables = await superuserQuery<{ tablename: string }>(postgres, database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((row) => row.tablename)).toEqual(
      expect.arrayContaining(["res_users", "res_partner", "ir_attachment", "ir_cron", "ir_cron_trigger", "ir_logging", "ir_model", "ir_config_parameter"]),
    );
    const [user] = await superuserQuery<{ id: number; password: string }>(postgres, database, "SELECT id, password FROM res_users WHERE login = 'admin'");
    expect(user?.id).toBe(2);
    expect(user?.password).toMatch(/^\$pbkdf2-sha512\$600000\$/);
  });

  it("answers /web/health exactly like Odoo, on both ports", async () => {
    for (const url of [serverA.url, serverA.realtimeUrl]) {
      const response = await fetch(`${url}/web/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('{"status": "pass"}');
    }
  });

  it("checks the database server on /web/health?db_server_status=1, as Odoo 17 does", async () => {
    const response = await fetch(`${serverA.url}/web/health?db_server_status=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"status": "pass", "db_server_status": true}');
  });

  it("logs like Odoo", () => {
    expect(serverA.logs()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ INFO \? odoo\.service\.server: HTTP service \(werkzeug\) running on 127\.0\.0\.1:\d+$/m);
    expect(serverA.logs()).toMatch(/ INFO api_\w+ werkzeug: 127\.0\.0\.1 - - \[.*\] "POST \/jsonrpc HTTP\/1\.1" 200 - /);
  });
});

describe("external API (/jsonrpc)", () => {
  it("reports the version and logs in", async () => {
    expect(await admin.version()).toMatchObject({ server_version: "17.0", server_serie: "17.0", protocol_version: 1 });
    const other = new OdooClient({ url: serverB.url, db: database });
    expect(await other.login("admin", "wrong")).toBe(false);
    expect(await other.login("nobody", "admin")).toBe(false);
  });

  it("creates, reads, writes, searches, counts and deletes partners", async () => {
    const id = await admin.executeKw<number>("res.partner", "create", [{ name: "Ada Lovelace", email: "ada@example.org" }]);
    const ids = await admin.executeKw<number[]>("res.partner", "create", [[{ name: "Alan Turing", email: "alan@example.org" }, { name: "Grace Hopper" }]]);
    expect(ids).toHaveLength(2);
    expect(await admin.executeKw("res.partner", "read", [[id], ["name", "email", "active", "create_uid"]])).toEqual([
      { id, name: "Ada Lovelace", email: "ada@example.org", active: true, create_uid: [2, "Administrator"] },
    ]);
    expect(await admin.executeKw("res.partner", "write", [[id], { email: "ada@lovelace.org" }])).toBe(true);

    const found = await admin.executeKw<{ id: number; name: string; email: string | false }[]>("res.partner", "search_read", [[["email", "ilike", "lovelace"]]], { fields: ["name", "email"] });
    expect(found).toEqual([{ id, name: "Ada Lovelace", email: "ada@lovelace.org" }]);
    const grace = ids[1]!;
    expect(await admin.executeKw("res.partner", "search", [[["email", "=", false], ["id", "in", [id, ...ids]]]])).toEqual([grace]);
    expect(await admin.executeKw("res.partner", "search_count", [[["id", "in", [id, ...ids]], ["name", "!=", "Grace Hopper"]]])).toBe(2);
    expect(await admin.executeKw("res.partner", "search_count", [["|", ["id", ">=", grace], ["id", "<", 0]]])).toBeGreaterThanOrEqual(1);
    expect(await admin.executeKw("res.partner", "search_count", [[["id", "<=", id], ["id", ">", id - 1]]])).toBe(1);
    expect(await admin.executeKw("res.partner", "search_read", [[["id", "in", ids]]], { fields: ["name"], order: "name desc", limit: 1 })).toEqual([{ id: grace, name: "Grace Hopper" }]);

    expect(await admin.executeKw("res.partner", "unlink", [[grace]])).toBe(true);
    const missing = await rpcError(admin.executeKw("res.partner", "read", [[grace], ["name"]]));
    expect(missing.pythonName).toBe("odoo.exceptions.MissingError");
  });

  it("stops accepting a password everywhere once it is changed, and ends that user's web sessions", async () => {
    const userId = await admin.executeKw<number>("res.users", "create", [{ login: "lab-user", name: "Lab User", password: "first-secret" }]);
    expect(await admin.executeKw("res.users", "read", [[userId], ["login", "name", "password"]])).toEqual([{ id: userId, login: "lab-user", name: "Lab User", password: "" }]);
    const onA = new OdooClient({ url: serverA.url, db: database });
    const onB = new OdooClient({ url: serverB.url, db: database });
    expect(await onA.login("lab-user", "first-secret")).toBe(userId);
    onB.useCredentials(userId, "first-secret");
    expect(await onB.executeKw("res.partner", "search_count", [[]])).toBeGreaterThan(0); // now cached by a worker of B
    const web = new OdooClient({ url: serverB.url, db: database });
    await web.authenticate("lab-user", "first-secret");

    await admin.executeKw("res.users", "write", [[userId], { password: "second-secret" }]);
    expect((await rpcError(onB.executeKw("res.partner", "search_count", [[]]))).isAccessDenied).toBe(true);
    expect((await rpcError(onA.executeKw("res.partner", "search_count", [[]]))).isAccessDenied).toBe(true);
    expect((await rpcError(web.callKw("res.partner", "search_count", [[]]))).isSessionExpired).toBe(true);
    onB.useCredentials(userId, "second-secret");
    expect(await onB.executeKw("res.partner", "search_count", [[]])).toBeGreaterThan(0);
  });

  it("answers errors in Odoo's shape", async () => {
    const response = await fetch(`${serverA.url}/jsonrpc`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: 42, params: { service: "object", method: "execute_kw", args: [database, 2, "wrong", "res.partner", "search", [[]]] } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: number; error: { code: number; message: string; data: Record<string, unknown> } };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: 42, error: { code: 200, message: "Odoo Server Error", data: { name: "odoo.exceptions.AccessDenied", message: "Access Denied" } } });
    expect(typeof body.error.data.debug).toBe("string");

    expect((await rpcError(admin.executeKw("res.partner", "create", [{ email: "no-name@example.org" }]))).pythonName).toBe("odoo.exceptions.ValidationError");
    expect((await rpcError(admin.executeKw("res.partner", "search", [[["name", "like"]]]))).pythonName).toBe("builtins.ValueError");
    expect((await rpcError(admin.executeKw("res.partner", "search", [[["nope", "=", 1]]]))).message).toMatch(/Invalid field res.partner.nope/);
    expect((await rpcError(admin.executeKw("no.such.model", "search", [[]]))).pythonName).toBe("odoo.exceptions.UserError");
    expect((await rpcError(admin.executeKw("res.partner", "_private", []))).pythonName).toBe("odoo.exceptions.AccessError");
    expect((await rpcError(admin.executeKw("res.partner", "fly", []))).pythonName).toBe("builtins.AttributeError");
    expect((await rpcError(admin.executeKw("res.partner", "create", [], { bogus: 1 }))).pythonName).toBe("builtins.TypeError");
  });

  it("stores attachments in the filestore, content-addressed, and reads them back", async () => {
    const content = Buffer.from(`attachment for the lab ${database}\n`);
    const id = await admin.executeKw<number>("ir.attachment", "create", [{ name: "note.txt", datas: content.toString("base64"), res_model: "res.partner", res_id: 3 }]);
    const [record] = await admin.executeKw<Record<string, unknown>[]>("ir.attachment", "read", [[id], ["datas", "checksum", "store_fname", "file_size", "mimetype", "res_model", "res_id"]]);
    const sha1 = (await import("node:crypto")).createHash("sha1").update(content).digest("hex");
    expect(record).toEqual({
      id,
      datas: content.toString("base64"),
      checksum: sha1,
      store_fname: `${sha1.slice(0, 2)}/${sha1}`,
      file_size: content.length,
      mimetype: "text/plain",
      res_model: "res.partner",
      res_id: 3,
    });
    const path = join(dataDir, "filestore", database, sha1.slice(0, 2), sha1);
    expect(readFileSync(path)).toEqual(content);
    const [row] = await superuserQuery<{ store_fname: string; db_datas: unknown }>(postgres, database, "SELECT store_fname, db_datas FROM ir_attachment WHERE id = $1", [id]);
    expect(row).toEqual({ store_fname: `${sha1.slice(0, 2)}/${sha1}`, db_datas: null });
    // The other server reads it from the same data_dir.
    const onB = new OdooClient({ url: serverB.url, db: database });
    onB.useCredentials(2, "admin");
    expect((await onB.executeKw<{ datas: string }[]>("ir.attachment", "read", [[id], ["datas"]]))[0]?.datas).toBe(content.toString("base64"));
    expect((await rpcError(admin.executeKw("ir.attachment", "create", [{ name: "bad", datas: "not base64!" }]))).pythonName).toBe("binascii.Error");
  });

  it("creates and searches ir.logging records", async () => {
    const id = await admin.executeKw<number>("ir.logging", "create", [{ name: "lab-probe", type: "server", level: "INFO", dbname: database, message: "hello", path: "lab", func: "probe", line: "1" }]);
    expect(await admin.executeKw("ir.logging", "search_read", [[["name", "=", "lab-probe"]]], { fields: ["message", "create_uid", "type"] })).toEqual([
      { id, message: "hello", create_uid: 2, type: "server" },
    ]);
  });

  it("accepts the lab's cron run marker and rejects any other cron code, naming the supported form", async () => {
    const [model] = await admin.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
    const id = await admin.executeKw<number>("ir.cron", "create", [{ name: "api-cron", model_id: model!.id, code: runMarkerCode("api-cron"), nextcall: "2099-01-01 00:00:00" }]);
    expect(await admin.executeKw("ir.cron", "read", [[id], ["name", "model_id", "state", "interval_type", "numbercall", "active"]])).toEqual([
      { id, name: "api-cron", model_id: [model!.id, "Logging"], state: "code", interval_type: "months", numbercall: 1, active: true },
    ]);
    const refused = await rpcError(admin.executeKw("ir.cron", "write", [[id], { code: "model.do_something()" }]));
    expect(refused.pythonName).toBe("odoo.exceptions.ValidationError");
    expect(refused.message).toContain("env['ir.logging'].sudo().create({'name': '<job name>'");
  });
});

describe("web sessions on a shared data_dir", () => {
  it("opens a session on server A that works on server B, stored as Odoo stores it", async () => {
    const onA = new OdooClient({ url: serverA.url, db: database });
    const info = await onA.authenticate("admin", "admin");
    expect(info).toMatchObject({ uid: 2, db: database, username: "admin", user_context: { uid: 2 } });
    const sid = onA.sessionId!;
    expect(sid).toMatch(/^[A-Za-z0-9_-]{84}$/);
    expect(existsSync(join(dataDir, "sessions", sid.slice(0, 2), sid))).toBe(true);

    const onB = new OdooClient({ url: serverB.url, db: database });
    onB.sessionId = sid;
    expect(await onB.callKw<number>("res.partner", "search_count", [[]])).toBeGreaterThan(0);
    const created = await onB.callKw<number>("res.partner", "create", [{ name: "From B" }]);
    expect(await onA.callKw("res.partner", "read", [[created], ["name"]])).toEqual([{ id: created, name: "From B" }]);
  });

  it("answers Odoo's session-expired error without a valid session", async () => {
    const anonymous = new OdooClient({ url: serverB.url, db: database });
    const expired = await rpcError(anonymous.callKw("res.partner", "search_count", [[]]));
    expect(expired.code).toBe(100);
    expect(expired.pythonName).toBe("odoo.http.SessionExpiredException");
    anonymous.sessionId = "x".repeat(84);
    expect((await rpcError(anonymous.callKw("res.partner", "search_count", [[]]))).isSessionExpired).toBe(true);
    expect((await rpcError(anonymous.authenticate("admin", "wrong"))).pythonName).toBe("odoo.exceptions.AccessDenied");
  });
});

describe("database manager, proxy mode and real-time", () => {
  it("keeps /web/database/* closed with list_db = False", async () => {
    expect((await fetch(`${serverA.url}/web/database/manager`)).status).toBe(404);
    expect((await fetch(`${serverA.url}/web/database/selector`)).status).toBe(404);
    const list = new OdooClient({ url: serverA.url, db: database });
    expect((await rpcError(list.jsonRpc("/web/database/list", {}))).pythonName).toBe("odoo.exceptions.AccessDenied");
    expect((await rpcError(list.jsonRpc("/jsonrpc", { service: "db", method: "list", args: [] }))).pythonName).toBe("odoo.exceptions.AccessDenied");
  });

  it("honours X-Forwarded-* in proxy_mode, only with X-Forwarded-Host (as Odoo 17)", async () => {
    const proxied = new OdooClient({
      url: serverA.url,
      db: database,
      headers: { "X-Forwarded-Host": "lab.example.org", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9" },
    });
    expect((await proxied.authenticate("admin", "admin"))["web.base.url"]).toBe("https://lab.example.org");
    expect(serverA.logs()).toMatch(/Login successful for db:api_\w+ login:admin from 203\.0\.113\.9/);

    const forOnly = new OdooClient({ url: serverA.url, db: database, headers: { "X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https" } });
    expect((await forOnly.authenticate("admin", "admin"))["web.base.url"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serverA.logs()).not.toMatch(/from 198\.51\.100\.7/);
  });

  it("serves /websocket on the real-time port and refuses it on the HTTP port", async () => {
    const socket = new WebSocket(`${serverA.realtimeUrl.replace("http", "ws")}/websocket`);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    socket.send(JSON.stringify({ event_name: "subscribe", data: { channels: [], last: 0 } }));
    const pong = new Promise<void>((resolve) => socket.once("pong", () => resolve()));
    socket.ping();
    await pong;
    socket.close();

    const refused = new WebSocket(`${serverA.url.replace("http", "ws")}/websocket`);
    const status = await new Promise<number>((resolve) => {
      refused.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      refused.once("open", () => resolve(101));
    });
    expect(status).toBe(500);
  });
});
