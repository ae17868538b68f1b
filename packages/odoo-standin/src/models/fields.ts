import { valueError } from "../rpc/errors.ts";
import { pyRepr } from "./py-repr.ts";

/**
 * Field definitions and Odoo's value conventions over RPC: an unset value reads as `false`,
 * integers as 0, datetimes as 'YYYY-MM-DD HH:MM:SS' in UTC, many2one as [id, display_name].
 */

export type FieldType = "char" | "text" | "integer" | "boolean" | "datetime" | "selection" | "many2one" | "binary";

export interface Field {
  type: FieldType;
  string: string;
  /** Stored fields have a column (the field name unless given); computed ones have none. */
  store: boolean;
  column?: string;
  required: boolean;
  readonly: boolean;
  selection?: readonly string[];
  comodel?: string;
  /** The default for create(), as an RPC value. */
  default?: (uid: number) => unknown;
}

type FieldOptions = Partial<Pick<Field, "column" | "required" | "readonly" | "default" | "store">>;

const field = (type: FieldType, string: string, options: FieldOptions = {}): Field => ({
  type,
  string,
  store: options.store ?? true,
  column: options.column,
  required: options.required ?? false,
  readonly: options.readonly ?? false,
  default: options.default,
});

export const char = (string: string, options?: FieldOptions): Field => field("char", string, options);
export const text = (string: string, options?: FieldOptions): Field => field("text", string, options);
export const integer = (string: string, options?: FieldOptions): Field => field("integer", string, options);
export const boolean = (string: string, options?: FieldOptions): Field => field("boolean", string, options);
export const datetime = (string: string, options?: FieldOptions): Field => field("datetime", string, options);
export const binary = (string: string, options?: FieldOptions): Field => field("binary", string, options);
export const selection = (values: readonly string[], string: string, options?: FieldOptions): Field => ({
  ...field("selection", string, options),
  selection: values,
});
export const many2one = (comodel: string, string: string, options?: FieldOptions): Field => ({ ...field("many2one", string, options), comodel });
export const computed = (type: FieldType, string: string, options: Omit<FieldOptions, "store"> = {}): Field => field(type, string, { ...options, store: false });

/** Odoo's create_uid/create_date/write_uid/write_date, present on every model. */
export function magicFields(): Record<string, Field> {
  return {
    create_uid: many2one("res.users", "Created by", { readonly: true }),
    create_date: datetime("Created on", { readonly: true }),
    write_uid: many2one("res.users", "Last Updated by", { readonly: true }),
    write_date: datetime("Last Updated on", { readonly: true }),
  };
}

export function columnOf(name: string, definition: Field): string {
  return definition.column ?? name;
}

/** An RPC value as the SQL parameter for the field's column. */
export function toColumnValue(model: string, name: string, definition: Field, value: unknown): unknown {
  const wrong = (): never => {
    throw valueError(`Wrong value for ${model}.${name}: ${pyRepr(value)}`);
  };
  switch (definition.type) {
    case "char":
    case "text":
      if (value === false || value === null || value === undefined) return null;
      if (typeof value === "string") return value;
      if (typeof value === "number") return String(value);
      return wrong();
    case "integer":
      if (value === false || value === null || value === undefined) return 0;
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
      return wrong();
    case "boolean":
      return Boolean(value);
    case "datetime":
      if (value === false || value === null || value === undefined || value === "") return null;
      if (typeof value !== "string") return wrong();
      return parseOdooDatetime(value);
    case "selection":
      if (value === false || value === null || value === undefined) return null;
      if (typeof value !== "string" || !definition.selection?.includes(value)) return wrong();
      return value;
    case "many2one":
      if (value === false || value === null || value === undefined || value === 0) return null;
      if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
      if (Array.isArray(value) && typeof value[0] === "number") return value[0];
      return wrong();
    case "binary":
      return value;
  }
}

/** A column value as Odoo returns it over RPC (many2one names are filled in by the model). */
export function fromColumnValue(definition: Field, raw: unknown): unknown {
  switch (definition.type) {
    case "integer":
      return raw === null || raw === undefined ? 0 : Number(raw);
    case "boolean":
      return raw === true;
    case "datetime":
      return typeof raw === "string" ? raw.slice(0, 19) : false;
    case "many2one":
      return raw === null || raw === undefined ? false : Number(raw);
    default:
      return raw === null || raw === undefined ? false : raw;
  }
}

/**
 * Odoo's fields.Datetime.to_datetime: 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD', UTC, seconds only.
 * Other shapes (ISO 'T', time zones) are rejected as Odoo rejects them.
 */
export function parseOdooDatetime(text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?$/.exec(text.trim());
  const invalid = (): never => {
    throw valueError(`time data ${pyRepr(text)} does not match format '%Y-%m-%d %H:%M:%S'`);
  };
  if (!match) return invalid();
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return invalid();
  }
  return formatOdooDatetime(date);
}

export function formatOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC) to a Date. */
export function odooDatetimeToDate(text: string): Date {
  return new Date(`${text.slice(0, 19).replace(" ", "T")}Z`);
}
