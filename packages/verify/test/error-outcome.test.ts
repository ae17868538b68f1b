import { describe, expect, it } from "vitest";
import { OdooRpcError, OdooTransportError } from "../src/odoo/odoo-client.ts";
import { odooErrorOutcome } from "../src/workload/odoo-error-outcome.ts";
import { SqlCallError } from "../src/workload/sql-connection.ts";
import { sqlErrorOutcome } from "../src/workload/sql-error-outcome.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("odooErrorOutcome", () => {
  it("an Odoo error answer rolled back: fail; unless the database connection broke under it", () => {
    expect(odooErrorOutcome(new OdooRpcError(200, "Odoo Server Error", { name: "odoo.exceptions.ValidationError", message: "bad" })).outcome).toBe("fail");
    expect(odooErrorOutcome(new OdooRpcError(200, "Odoo Server Error", { name: "psycopg2.OperationalError", message: "server closed the connection unexpectedly\nmore" }))).toEqual({
      outcome: "indeterminate",
      error: "psycopg2.OperationalError: server closed the connection unexpectedly",
    });
  });

  it("never connected, or HAProxy had no server: fail; timeout, reset, 502: indeterminate", () => {
    const refused = new OdooTransportError("POST http://x/jsonrpc failed: fetch failed", undefined, { cause: Object.assign(new TypeError("fetch failed"), { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }) });
    expect(odooErrorOutcome(refused).outcome).toBe("fail");
    expect(odooErrorOutcome(new OdooTransportError("POST http://x/jsonrpc answered HTTP 503 without JSON", 503)).outcome).toBe("fail");
    expect(odooErrorOutcome(new OdooTransportError("POST http://x/jsonrpc answered HTTP 502 without JSON", 502)).outcome).toBe("indeterminate");
    const timeout = new OdooTransportError("POST http://x/jsonrpc failed: aborted", undefined, { cause: new DOMException("aborted", "TimeoutError") });
    expect(odooErrorOutcome(timeout)).toMatchObject({ outcome: "indeterminate", error: expect.stringMatching(/^client timeout/) });
    const reset = new OdooTransportError("POST http://x/jsonrpc failed: other side closed", undefined, { cause: withCode("other side closed", "UND_ERR_SOCKET") });
    expect(odooErrorOutcome(reset).outcome).toBe("indeterminate");
  });
});

describe("sqlErrorOutcome", () => {
  it("not connected: fail; a statement error: fail; a connection lost mid-statement: indeterminate", () => {
    expect(sqlErrorOutcome(new SqlCallError("connect", withCode("connect ECONNREFUSED", "ECONNREFUSED"))).outcome).toBe("fail");
    expect(sqlErrorOutcome(new SqlCallError("query", withCode("cannot execute INSERT in a read-only transaction", "25006"))).outcome).toBe("fail");
    expect(sqlErrorOutcome(new SqlCallError("query", withCode("terminating connection due to administrator command", "57P01"))).outcome).toBe("indeterminate");
    expect(sqlErrorOutcome(new SqlCallError("query", new Error("Connection terminated unexpectedly"))).outcome).toBe("indeterminate");
    expect(sqlErrorOutcome(new SqlCallError("query", new Error("Query read timeout"))).outcome).toBe("indeterminate");
  });
});
