import { describe, expect, it } from "vitest";
import { compileDomain, domainFields, parseDomain, type ColumnResolver } from "../src/models/domain.ts";
import { compileOrder } from "../src/models/order.ts";
import { OdooError } from "../src/rpc/errors.ts";

const COLUMNS: Record<string, "char" | "integer" | "boolean"> = { id: "integer", name: "char", email: "char", active: "boolean", res_id: "integer" };
const resolve: ColumnResolver = (field) => (COLUMNS[field] ? { sql: `t.${field}`, type: COLUMNS[field] } : undefined);

function sql(domain: unknown): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  return { where: compileDomain(parseDomain(domain), "res.partner", resolve, params), params };
}

function valueErrorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(OdooError);
    expect((error as OdooError).pythonName).toBe("builtins.ValueError");
    return (error as Error).message;
  }
  throw new Error("expected a ValueError");
}

describe("domains", () => {
  it("compiles each supported operator with parameters", () => {
    expect(sql([["name", "=", "Alice"]])).toEqual({ where: "t.name = $1", params: ["Alice"] });
    expect(sql([["name", "!=", "Alice"]])).toEqual({ where: "(t.name != $1 OR t.name IS NULL)", params: ["Alice"] });
    expect(sql([["id", "in", [1, 2]]])).toEqual({ where: "(t.id = ANY($1))", params: [[1, 2]] });
    expect(sql([["name", "ilike", "ali"]])).toEqual({ where: "t.name::text ILIKE $1", params: ["%ali%"] });
    expect(sql([["id", ">", 3]]).where).toBe("t.id > $1");
    expect(sql([["id", "<", 3]]).where).toBe("t.id < $1");
    expect(sql([["id", ">=", 3]]).where).toBe("t.id >= $1");
    expect(sql([["id", "<=", 3]]).where).toBe("t.id <= $1");
  });

  it("follows Odoo for unset values and booleans", () => {
    expect(sql([["email", "=", false]]).where).toBe("t.email IS NULL");
    expect(sql([["email", "!=", false]]).where).toBe("t.email IS NOT NULL");
    expect(sql([["active", "=", false]]).where).toBe("(t.active IS NULL OR t.active = false)");
    expect(sql([["id", "in", []]]).where).toBe("FALSE");
    expect(sql([["id", "in", [false, 4]]]).where).toBe("(t.id = ANY($1) OR t.id IS NULL)");
  });

  it("ANDs consecutive terms and reads Polish-notation '|', '&', '!'", () => {
    expect(sql([["name", "=", "a"], ["email", "=", "b"]]).where).toBe("(t.name = $1 AND t.email = $2)");
    expect(sql(["|", ["name", "=", "a"], ["email", "=", "b"]]).where).toBe("(t.name = $1 OR t.email = $2)");
    expect(sql(["!", ["name", "=", "a"]]).where).toBe("(NOT t.name = $1)");
    expect(sql(["|", "&", ["name", "=", "a"], ["id", "=", 1], ["id", "=", 2]]).where).toBe("((t.name = $1 AND t.id = $2) OR t.id = $3)");
  });

  it("treats an empty domain and Odoo's constant leaves as constants", () => {
    expect(sql([]).where).toBe("TRUE");
    expect(sql([[1, "=", 1]]).where).toBe("TRUE");
    expect(sql([[0, "=", 1]]).where).toBe("FALSE");
  });

  it("lists the fields it mentions (for active_test)", () => {
    expect(domainFields(parseDomain(["|", ["active", "=", false], ["name", "=", "x"]]))).toEqual(["active", "name"]);
  });

  it("rejects what it does not support with Odoo-like ValueErrors", () => {
    expect(valueErrorOf(() => sql([["name", "child_of", 1]]))).toMatch(/^Invalid leaf \['name', 'child_of', 1\]: the operator 'child_of' is not supported/);
    expect(valueErrorOf(() => sql([["nope", "=", 1]]))).toBe("Invalid field res.partner.nope in leaf ['nope', '=', 1]");
    expect(valueErrorOf(() => sql([["name", "="]]))).toBe("Invalid leaf ['name', '=']");
    expect(valueErrorOf(() => sql(["|", ["name", "=", 1]]))).toMatch(/an operator lacks its operands/);
    expect(valueErrorOf(() => sql("name = 1"))).toMatch(/^Invalid domain/);
    expect(valueErrorOf(() => sql([["parent_id.name", "=", "x"]]))).toMatch(/does not follow relations/);
  });
});

describe("order", () => {
  it("compiles Odoo order specifications and rejects unknown fields", () => {
    expect(compileOrder("name, id desc", "res.partner", resolve)).toBe("t.name ASC, t.id DESC");
    expect(compileOrder("email desc nulls last", "res.partner", resolve)).toBe("t.email DESC NULLS LAST");
    expect(valueErrorOf(() => compileOrder("name; drop table x", "res.partner", resolve))).toMatch(/^Invalid "order" specified/);
    expect(valueErrorOf(() => compileOrder("nope", "res.partner", resolve))).toMatch(/^Invalid "order" specified \(nope\)/);
  });
});
