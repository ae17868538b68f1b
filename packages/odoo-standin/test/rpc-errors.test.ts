import { describe, expect, it } from "vitest";
import { DatabaseUnavailable } from "../src/db/errors.ts";
import { bindArguments } from "../src/rpc/call-kw.ts";
import { accessDenied, OdooError, sessionExpired } from "../src/rpc/errors.ts";
import { jsonRpcError, toOdooError } from "../src/rpc/jsonrpc.ts";
import type { MethodSpec } from "../src/models/model.ts";

describe("JSON-RPC errors in Odoo's shape", () => {
  it("server errors: code 200, 'Odoo Server Error', data.name/message/debug", () => {
    const body = jsonRpcError(7, accessDenied()) as { id: number; error: { code: number; message: string; data: Record<string, unknown> } };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: 200, message: "Odoo Server Error", data: { name: "odoo.exceptions.AccessDenied", message: "Access Denied" } } });
    expect(body.error.data.debug).toMatch(/odoo.exceptions.AccessDenied: Access Denied\n$/);
  });

  it("an expired session: code 100, odoo.http.SessionExpiredException", () => {
    expect(jsonRpcError(null, sessionExpired())).toMatchObject({
      error: { code: 100, message: "Odoo Session Expired", data: { name: "odoo.http.SessionExpiredException", message: "Session expired" } },
    });
  });

  it("maps PostgreSQL failures to psycopg2's names", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
    expect(toOdooError(terminated).pythonName).toBe("psycopg2.errors.AdminShutdown");
    const serialization = Object.assign(new Error("could not serialize access due to concurrent update"), { code: "40001", severity: "ERROR" });
    expect(toOdooError(serialization).pythonName).toBe("psycopg2.errors.SerializationFailure");
    const lost = new DatabaseUnavailable(new Error("Connection terminated unexpectedly"), "query");
    expect(toOdooError(lost)).toMatchObject({ pythonName: "psycopg2.OperationalError", message: expect.stringMatching(/server closed the connection unexpectedly/) });
    const refused = new DatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }), "connect");
    expect(toOdooError(refused).pythonName).toBe("psycopg2.OperationalError");
    const unique = Object.assign(new Error("duplicate key"), { code: "23505", severity: "ERROR", constraint: "res_users_login_key", table: "res_users" });
    expect(toOdooError(unique).pythonName).toBe("odoo.exceptions.ValidationError");
  });

  it("maps file-system failures to Python's OSError family", () => {
    const notConnected = Object.assign(new Error("ENOTCONN"), { code: "ENOTCONN", syscall: "mkdir", path: "/var/lib/odoo/filestore/lab/2a" });
    expect(toOdooError(notConnected)).toMatchObject({ pythonName: "builtins.OSError", message: "[Errno 107] Transport endpoint is not connected: '/var/lib/odoo/filestore/lab/2a'" });
    const notDirectory = Object.assign(new Error("ENOTDIR"), { code: "ENOTDIR", syscall: "mkdir", path: "/d" });
    expect(toOdooError(notDirectory).pythonName).toBe("builtins.NotADirectoryError");
  });

  it("keeps OdooErrors and wraps anything else", () => {
    const error = new OdooError("odoo.exceptions.UserError", "no");
    expect(toOdooError(error)).toBe(error);
    expect(toOdooError(new TypeError("boom")).pythonName).toBe("builtins.RuntimeError");
  });
});

describe("call_kw argument binding", () => {
  const read: MethodSpec = { onRecords: true, params: [{ name: "fields", default: null }, { name: "load", default: "_classic_read" }], run: async () => null };
  const create: MethodSpec = { onRecords: false, params: [{ name: "vals_list", required: true }], run: async () => null };

  it("binds ids, positional and keyword arguments like Python", () => {
    expect(bindArguments("read", read, [[1, 2], ["name"]], {})).toEqual({ ids: [1, 2], values: { fields: ["name"], load: "_classic_read" } });
    expect(bindArguments("read", read, [5], { fields: ["email"] })).toEqual({ ids: [5], values: { fields: ["email"], load: "_classic_read" } });
  });

  it("raises Python's TypeErrors", () => {
    expect(() => bindArguments("create", create, [], {})).toThrow("create() missing 1 required positional argument: 'vals_list'");
    expect(() => bindArguments("create", create, [{}], { bogus: 1 })).toThrow("create() got an unexpected keyword argument 'bogus'");
    expect(() => bindArguments("create", create, [{}], { vals_list: {} })).toThrow("create() got multiple values for argument 'vals_list'");
    expect(() => bindArguments("create", create, [{}, 2], {})).toThrow("create() takes 2 positional arguments but 3 were given");
  });
});
