import { valueError } from "../rpc/errors.ts";
import type { FieldType } from "./fields.ts";
import { pyRepr } from "./py-repr.ts";

/**
 * Odoo's search domains, the subset the lab needs: leaves `[field, operator, value]`, combined by
 * Polish-notation '&', '|', '!' (consecutive terms are ANDed, as in Odoo), plus the constant
 * leaves [1, '=', 1] and [0, '=', 1]. Compiled to SQL with positional parameters; NULL handling
 * follows Odoo (`= False` means "is not set", `!=` also matches unset values).
 */

export const OPERATORS = ["=", "!=", "<>", ">", "<", ">=", "<=", "in", "not in", "like", "ilike", "not like", "not ilike", "=like", "=ilike"] as const;
export type Operator = (typeof OPERATORS)[number];

export type DomainNode =
  | { kind: "true" }
  | { kind: "false" }
  | { kind: "leaf"; field: string; operator: Operator; value: unknown; source: unknown[] }
  | { kind: "and"; children: DomainNode[] }
  | { kind: "or"; children: DomainNode[] }
  | { kind: "not"; child: DomainNode };

export function parseDomain(domain: unknown): DomainNode {
  if (domain === undefined || domain === null || domain === false) return { kind: "true" };
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)} (expected a list of [field, operator, value] terms)`);
  const terms: DomainNode[] = [];
  let position = 0;
  while (position < domain.length) {
    const [node, next] = parseTerm(domain, position);
    terms.push(node);
    position = next;
  }
  if (terms.length === 0) return { kind: "true" };
  return terms.length === 1 ? terms[0]! : { kind: "and", children: terms };
}

function parseTerm(items: unknown[], position: number): [DomainNode, number] {
  if (position >= items.length) throw valueError(`Invalid domain: ${pyRepr(items)} (an operator lacks its operands)`);
  const item = items[position];
  if (item === "&" || item === "|") {
    const [left, afterLeft] = parseTerm(items, position + 1);
    const [right, afterRight] = parseTerm(items, afterLeft);
    return [{ kind: item === "&" ? "and" : "or", children: [left, right] }, afterRight];
  }
  if (item === "!") {
    const [child, after] = parseTerm(items, position + 1);
    return [{ kind: "not", child }, after];
  }
  return [parseLeaf(item), position + 1];
}

function parseLeaf(item: unknown): DomainNode {
  if (!Array.isArray(item) || item.length !== 3) throw valueError(`Invalid leaf ${pyRepr(item)}`);
  const [left, operator, right] = item as [unknown, unknown, unknown];
  if (left === 1 && operator === "=" && right === 1) return { kind: "true" };
  if (left === 0 && operator === "=" && right === 1) return { kind: "false" };
  if (typeof left !== "string" || typeof operator !== "string") throw valueError(`Invalid leaf ${pyRepr(item)}`);
  const normalized = operator.toLowerCase() as Operator;
  if (!(OPERATORS as readonly string[]).includes(normalized)) {
    throw valueError(`Invalid leaf ${pyRepr(item)}: the operator ${pyRepr(operator)} is not supported (use one of ${OPERATORS.join(", ")})`);
  }
  return { kind: "leaf", field: left, operator: normalized, value: right, source: item };
}

/** Every field a domain mentions (Odoo skips its implicit `active = True` when 'active' is one). */
export function domainFields(node: DomainNode): string[] {
  switch (node.kind) {
    case "leaf":
      return [node.field];
    case "and":
    case "or":
      return node.children.flatMap(domainFields);
    case "not":
      return domainFields(node.child);
    default:
      return [];
  }
}

export interface ResolvedColumn {
  sql: string;
  type: FieldType;
}

/** Maps a field name to its SQL column expression, or undefined when it cannot be searched. */
export type ColumnResolver = (field: string) => ResolvedColumn | undefined;

export function compileDomain(node: DomainNode, model: string, resolve: ColumnResolver, params: unknown[]): string {
  switch (node.kind) {
    case "true":
      return "TRUE";
    case "false":
      return "FALSE";
    case "and":
      return `(${node.children.map((child) => compileDomain(child, model, resolve, params)).join(" AND ")})`;
    case "or":
      return `(${node.children.map((child) => compileDomain(child, model, resolve, params)).join(" OR ")})`;
    case "not":
      return `(NOT ${compileDomain(node.child, model, resolve, params)})`;
    case "leaf": {
      if (node.field.includes(".")) {
        throw valueError(`Invalid leaf ${pyRepr(node.source)}: the stand-in does not follow relations ('${node.field}'); search on the related model first`);
      }
      const column = resolve(node.field);
      if (!column) throw valueError(`Invalid field ${model}.${node.field} in leaf ${pyRepr(node.source)}`);
      return compileLeaf(node.operator, node.value, column, params);
    }
  }
}

function compileLeaf(operator: Operator, value: unknown, column: ResolvedColumn, params: unknown[]): string {
  const c = column.sql;
  const param = (item: unknown): string => {
    params.push(item);
    return `$${params.length}`;
  };
  const unset = value === false || value === null;
  const isBoolean = column.type === "boolean";

  switch (operator) {
    case "=":
      if (isBoolean) return value ? `${c} = true` : `(${c} IS NULL OR ${c} = false)`;
      return unset ? `${c} IS NULL` : `${c} = ${param(value)}`;
    case "!=":
    case "<>":
      if (isBoolean) return value ? `(${c} IS NULL OR ${c} = false)` : `${c} = true`;
      return unset ? `${c} IS NOT NULL` : `(${c} != ${param(value)} OR ${c} IS NULL)`;
    case ">":
    case "<":
    case ">=":
    case "<=":
      return unset ? "FALSE" : `${c} ${operator} ${param(value)}`;
    case "in":
    case "not in": {
      const list = Array.isArray(value) ? value : [value];
      const hasUnset = list.some((item) => item === false || item === null);
      const values = list.filter((item) => item !== false && item !== null);
      if (operator === "in") {
        const parts = [];
        if (values.length > 0) parts.push(`${c} = ANY(${param(values)})`);
        if (hasUnset) parts.push(`${c} IS NULL`);
        return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
      }
      if (values.length === 0) return hasUnset ? `${c} IS NOT NULL` : "TRUE";
      return hasUnset ? `(${c} != ALL(${param(values)}) AND ${c} IS NOT NULL)` : `(${c} != ALL(${param(values)}) OR ${c} IS NULL)`;
    }
    default: {
      // like, ilike, not like, not ilike, =like, =ilike
      const negated = operator.startsWith("not ");
      if (unset) return negated ? `${c} IS NOT NULL` : `${c} IS NULL`;
      const sqlOperator = operator.endsWith("ilike") ? "ILIKE" : "LIKE";
      const pattern = operator.startsWith("=") ? String(value) : `%${String(value)}%`;
      return negated ? `(${c}::text NOT ${sqlOperator} ${param(pattern)} OR ${c} IS NULL)` : `${c}::text ${sqlOperator} ${param(pattern)}`;
    }
  }
}
