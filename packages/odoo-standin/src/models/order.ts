import { valueError } from "../rpc/errors.ts";
import type { ColumnResolver } from "./domain.ts";

/** `order` as Odoo takes it: "name, id desc", "create_date desc nulls last". */
export function compileOrder(order: string, model: string, resolve: ColumnResolver): string {
  const invalid = (): never => {
    throw valueError(
      `Invalid "order" specified (${order}) on ${model}. A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
    );
  };
  const parts = order.split(",").map((part) => part.trim());
  if (parts.some((part) => part === "")) return invalid();
  return parts
    .map((part) => {
      const match = /^([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(part);
      if (!match) return invalid();
      const column = resolve(match[1]!);
      if (!column) return invalid();
      const direction = (match[2] ?? "asc").toUpperCase();
      const nulls = match[3] ? ` NULLS ${match[3].toUpperCase()}` : "";
      return `${column.sql} ${direction}${nulls}`;
    })
    .join(", ");
}
