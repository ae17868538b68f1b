import { missingError, validationError, valueError } from "../rpc/errors.ts";
import { NOW_UTC } from "../db/schema.ts";
import { compileDomain, domainFields, parseDomain, type ColumnResolver, type DomainNode } from "./domain.ts";
import { modelOf, type Env } from "./env.ts";
import { columnOf, computed, fromColumnValue, magicFields, toColumnValue, type Field } from "./fields.ts";
import { compileOrder } from "./order.ts";
import { pyRepr } from "./py-repr.ts";

/** Field values by name: what create/write take, and (with `id`) what read returns. */
export type Values = Record<string, unknown>;

export interface ParamSpec {
  name: string;
  required?: boolean;
  default?: unknown;
}

/** One method callable over RPC, with its Python signature (after `self`). */
export interface MethodSpec {
  /** Record methods take the ids as first argument (`read(ids, fields)`); model methods do not. */
  onRecords: boolean;
  params: ParamSpec[];
  run(env: Env, args: Record<string, unknown>, ids: number[]): Promise<unknown>;
}

export interface ModelDefinition {
  name: string;
  table: string;
  description: string;
  fields: Record<string, Field>;
  /** Odoo's _order. */
  order: string;
  /** The field display_name is made of (Odoo's _rec_name). */
  recName: string;
  /** Magic fields to use instead of the standard ones (ir.logging keeps create_uid as an integer). */
  magic?: Record<string, Field>;
}

export interface SearchOptions {
  offset?: number;
  limit?: number | undefined;
  order?: string | undefined;
}

const MAGIC_NAMES = new Set(["create_uid", "create_date", "write_uid", "write_date"]);

/**
 * The generic ORM: create/read/write/unlink/search over one table, with Odoo's conventions.
 * Models with behaviour of their own (attachments on the filestore, cron locking...) extend it
 * through the prepare/compute/after hooks.
 */
export class Model {
  readonly name: string;
  readonly table: string;
  readonly description: string;
  readonly order: string;
  readonly recName: string;
  readonly fields: Record<string, Field>;

  constructor(definition: ModelDefinition) {
    this.name = definition.name;
    this.table = definition.table;
    this.description = definition.description;
    this.order = definition.order;
    this.recName = definition.recName;
    this.fields = { ...definition.fields, display_name: computed("char", "Display Name", { readonly: true }), ...(definition.magic ?? magicFields()) };
  }

  // ---------------------------------------------------------------- hooks for models

  /** Turns create() values (defaults applied) into values to store; raise here to reject them. */
  protected async prepareCreate(_env: Env, vals: Values): Promise<Values> {
    return vals;
  }

  /** Same for write(). */
  protected async prepareWrite(_env: Env, _ids: number[], vals: Values): Promise<Values> {
    return vals;
  }

  protected async afterCreate(_env: Env, _id: number, _vals: Values): Promise<void> {}
  protected async afterWrite(_env: Env, _ids: number[], _vals: Values): Promise<void> {}
  protected async beforeUnlink(_env: Env, _ids: number[]): Promise<void> {}

  /** Fills computed fields; `rows` holds every stored column of each record (raw database values). */
  protected async computeFields(env: Env, rows: Values[], names: string[], out: Map<number, Values>): Promise<void> {
    if (!names.includes("display_name")) return;
    const labels = await this.displayNames(env, rows.map((row) => row.id as number));
    for (const row of rows) out.get(row.id as number)!.display_name = labels.get(row.id as number) ?? false;
  }

  /** display_name of each id (Odoo's _compute_display_name over _rec_name). */
  async displayNames(env: Env, ids: number[]): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    if (ids.length === 0) return result;
    const column = columnOf(this.recName, this.fields[this.recName]!);
    const rows = await env.cr.query<{ id: number; name: unknown }>(`SELECT id, "${column}" AS name FROM "${this.table}" WHERE id = ANY($1)`, [ids]);
    for (const row of rows) result.set(row.id, row.name === null || row.name === undefined ? "" : String(row.name));
    return result;
  }

  // ---------------------------------------------------------------- ORM operations

  async create(env: Env, valsList: Values[]): Promise<number[]> {
    const ids: number[] = [];
    for (const input of valsList) {
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw valueError(`${this.name}.create() expects a dict (or a list of dicts) of field values, got ${pyRepr(input)}`);
      }
      const unknown = Object.keys(input).filter((name) => !this.fields[name] && name !== "id");
      if (unknown.length > 0) env.services.logger.warning("odoo.models", `${this.name}.create() includes unknown fields: ${unknown.join(", ")}`);

      const withDefaults: Values = {};
      for (const [name, definition] of Object.entries(this.fields)) {
        if (name in input) withDefaults[name] = input[name];
        else if (definition.default) withDefaults[name] = definition.default(env.uid);
      }
      const vals = await this.prepareCreate(env, withDefaults);
      this.checkRequired(vals, true);

      const columns: string[] = [];
      const values: unknown[] = [];
      for (const [name, value] of Object.entries(vals)) {
        const definition = this.fields[name];
        if (!definition?.store || MAGIC_NAMES.has(name)) continue;
        const column = columnOf(name, definition);
        if (columns.includes(column)) continue;
        columns.push(column);
        values.push(toColumnValue(this.name, name, definition, value));
      }
      const placeholders = values.map((_, index) => `$${index + 1}`);
      values.push(env.uid);
      const uid = `$${values.length}`;
      const rows = await env.cr.query<{ id: number }>(
        `INSERT INTO "${this.table}" (${[...columns.map((column) => `"${column}"`), "create_uid", "write_uid", "create_date", "write_date"].join(", ")})
         VALUES (${[...placeholders, uid, uid, NOW_UTC, NOW_UTC].join(", ")}) RETURNING id`,
        values,
      );
      const id = rows[0]!.id;
      ids.push(id);
      await this.afterCreate(env, id, vals);
    }
    return ids;
  }

  async read(env: Env, ids: number[], fieldNames?: string[] | null): Promise<Values[]> {
    const unique = [...new Set(ids)];
    const names = this.checkFieldNames(fieldNames);
    if (unique.length === 0) return [];
    const rows = await env.cr.query(`${this.selectStored()} WHERE id = ANY($1)`, [unique]);
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((row) => row.id as number));
      throw missingError(this.name, unique.filter((id) => !found.has(id)), env.uid);
    }
    const records = await this.formatRows(env, rows, names);
    return unique.map((id) => records.get(id)!);
  }

  /** search + read in one query (Odoo runs two; the result is the same). */
  async searchRead(env: Env, domain: unknown, fieldNames: string[] | undefined, options: SearchOptions = {}): Promise<Values[]> {
    const names = this.checkFieldNames(fieldNames);
    const params: unknown[] = [];
    const rows = await env.cr.query(this.searchSql(`${this.selectStored()} WHERE ${this.whereClause(env, domain, params)}`, options), params);
    const records = await this.formatRows(env, rows, names);
    return rows.map((row) => records.get(row.id as number)!);
  }

  async write(env: Env, ids: number[], input: Values): Promise<void> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw valueError(`${this.name}.write() expects a dict of field values, got ${pyRepr(input)}`);
    }
    const unique = [...new Set(ids)];
    for (const name of Object.keys(input)) {
      if (!this.fields[name]) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(this.name)}`);
    }
    if (unique.length === 0) return;
    await this.ensureExist(env, unique);
    const vals = await this.prepareWrite(env, unique, { ...input });
    this.checkRequired(vals, false);

    const assignments: string[] = [];
    const values: unknown[] = [];
    const assigned = new Set<string>();
    for (const [name, value] of Object.entries(vals)) {
      const definition = this.fields[name];
      if (!definition?.store || MAGIC_NAMES.has(name) || assigned.has(columnOf(name, definition))) continue;
      assigned.add(columnOf(name, definition));
      values.push(toColumnValue(this.name, name, definition, value));
      assignments.push(`"${columnOf(name, definition)}" = $${values.length}`);
    }
    values.push(env.uid);
    assignments.push(`write_uid = $${values.length}`, `write_date = ${NOW_UTC}`);
    values.push(unique);
    await env.cr.query(`UPDATE "${this.table}" SET ${assignments.join(", ")} WHERE id = ANY($${values.length})`, values);
    await this.afterWrite(env, unique, vals);
  }

  async unlink(env: Env, ids: number[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    await this.beforeUnlink(env, unique);
    await env.cr.query(`DELETE FROM "${this.table}" WHERE id = ANY($1)`, [unique]);
  }

  async search(env: Env, domain: unknown, options: SearchOptions = {}): Promise<number[]> {
    const params: unknown[] = [];
    const sql = this.searchSql(`SELECT "${this.table}".id FROM "${this.table}" WHERE ${this.whereClause(env, domain, params)}`, options);
    const rows = await env.cr.query<{ id: number }>(sql, params);
    return rows.map((row) => row.id);
  }

  async searchCount(env: Env, domain: unknown, limit?: number): Promise<number> {
    const params: unknown[] = [];
    const where = this.whereClause(env, domain, params);
    const inner = `SELECT 1 FROM "${this.table}" WHERE ${where}${limit !== undefined ? ` LIMIT ${checkCount("limit", limit)}` : ""}`;
    const rows = await env.cr.query<{ count: number }>(`SELECT count(*) AS count FROM (${inner}) AS matched`, params);
    return Number(rows[0]!.count);
  }

  // ---------------------------------------------------------------- RPC surface

  /** The public methods of this model; models add theirs by extending the map. */
  methods(): Record<string, MethodSpec> {
    return {
      create: {
        onRecords: false,
        params: [{ name: "vals_list", required: true }],
        run: async (env, args) => {
          const single = !Array.isArray(args.vals_list);
          const ids = await this.create(env, (single ? [args.vals_list] : args.vals_list) as Values[]);
          return single ? ids[0] : ids;
        },
      },
      read: {
        onRecords: true,
        params: [{ name: "fields", default: null }, { name: "load", default: "_classic_read" }],
        run: (env, args, ids) => this.read(env, ids, fieldList(args.fields)),
      },
      write: {
        onRecords: true,
        params: [{ name: "vals", required: true }],
        run: async (env, args, ids) => {
          await this.write(env, ids, args.vals as Values);
          return true;
        },
      },
      unlink: {
        onRecords: true,
        params: [],
        run: async (env, _args, ids) => {
          await this.unlink(env, ids);
          return true;
        },
      },
      search: {
        onRecords: false,
        params: [{ name: "domain", required: true }, { name: "offset", default: 0 }, { name: "limit", default: null }, { name: "order", default: null }, { name: "count", default: false }],
        run: (env, args) =>
          args.count ? this.searchCount(env, args.domain, optionalCount(args.limit)) : this.search(env, args.domain, searchOptions(args)),
      },
      search_count: {
        onRecords: false,
        params: [{ name: "domain", required: true }, { name: "limit", default: null }],
        run: (env, args) => this.searchCount(env, args.domain, optionalCount(args.limit)),
      },
      search_read: {
        onRecords: false,
        params: [
          { name: "domain", default: null },
          { name: "fields", default: null },
          { name: "offset", default: 0 },
          { name: "limit", default: null },
          { name: "order", default: null },
          { name: "load", default: "_classic_read" },
        ],
        run: (env, args) => this.searchRead(env, args.domain, fieldList(args.fields), searchOptions(args)),
      },
      fields_get: {
        onRecords: false,
        params: [{ name: "allfields", default: null }, { name: "attributes", default: null }],
        run: async (_env, args) => this.fieldsGet(fieldList(args.allfields)),
      },
    };
  }

  fieldsGet(only?: string[]): Record<string, Values> {
    const result: Record<string, Values> = {};
    for (const [name, definition] of Object.entries(this.fields)) {
      if (only && only.length > 0 && !only.includes(name)) continue;
      const description: Values = {
        type: definition.type,
        string: definition.string,
        required: definition.required,
        readonly: definition.readonly,
        store: definition.store,
        searchable: definition.store,
        sortable: definition.store,
      };
      if (definition.comodel) description.relation = definition.comodel;
      if (definition.selection) description.selection = definition.selection.map((value) => [value, value]);
      result[name] = description;
    }
    return result;
  }

  // ---------------------------------------------------------------- helpers

  /** SQL column of each searchable field: stored fields, `id` and the magic fields. */
  resolver(): ColumnResolver {
    return (field) => {
      if (field === "id") return { sql: `"${this.table}".id`, type: "integer" };
      const definition = this.fields[field];
      if (!definition?.store) return undefined;
      return { sql: `"${this.table}"."${columnOf(field, definition)}"`, type: definition.type };
    };
  }

  private checkFieldNames(fieldNames: string[] | null | undefined): string[] {
    const names = fieldNames && fieldNames.length > 0 ? fieldNames : Object.keys(this.fields);
    for (const name of names) {
      if (name !== "id" && !this.fields[name]) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(this.name)}`);
    }
    return names;
  }

  /** SELECT of every stored column, aliased by field name. */
  private selectStored(): string {
    const columns = Object.entries(this.fields)
      .filter(([, definition]) => definition.store)
      .map(([name, definition]) => `"${columnOf(name, definition)}" AS "${name}"`);
    return `SELECT "${this.table}".id${columns.length ? ", " + columns.join(", ") : ""} FROM "${this.table}"`;
  }

  private searchSql(select: string, options: SearchOptions): string {
    let sql = `${select} ORDER BY ${compileOrder(options.order || this.order, this.name, this.resolver())}`;
    if (options.limit !== undefined) sql += ` LIMIT ${checkCount("limit", options.limit)}`;
    if (options.offset) sql += ` OFFSET ${checkCount("offset", options.offset)}`;
    return sql;
  }

  /** Raw rows (every stored column) to RPC records holding `names`, by id. */
  private async formatRows(env: Env, rows: Values[], names: string[]): Promise<Map<number, Values>> {
    const out = new Map<number, Values>();
    for (const row of rows) {
      const record: Values = { id: row.id };
      for (const name of names) {
        const definition = this.fields[name];
        if (definition?.store) record[name] = fromColumnValue(definition, row[name]);
      }
      out.set(row.id as number, record);
    }
    await this.fillMany2oneNames(env, names, out);
    const computedNames = names.filter((name) => this.fields[name] && !this.fields[name]!.store);
    if (computedNames.length > 0 && rows.length > 0) await this.computeFields(env, rows, computedNames, out);
    return out;
  }

  protected whereClause(env: Env, domain: unknown, params: unknown[]): string {
    let node: DomainNode = parseDomain(domain);
    // Odoo's active_test: archived records are left out unless the domain talks about `active`.
    if (this.fields.active && env.context.active_test !== false && !domainFields(node).includes("active")) {
      node = { kind: "and", children: [{ kind: "leaf", field: "active", operator: "=", value: true, source: ["active", "=", true] }, node] };
    }
    return compileDomain(node, this.name, this.resolver(), params);
  }

  protected async ensureExist(env: Env, ids: number[]): Promise<void> {
    const rows = await env.cr.query<{ id: number }>(`SELECT id FROM "${this.table}" WHERE id = ANY($1)`, [ids]);
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((row) => row.id));
      throw missingError(this.name, ids.filter((id) => !found.has(id)), env.uid);
    }
  }

  /** Odoo 17's message for a NOT NULL violation, raised before the database would. */
  protected checkRequired(vals: Values, creating: boolean): void {
    for (const [name, definition] of Object.entries(this.fields)) {
      if (!definition.required || !definition.store) continue;
      if (!creating && !(name in vals)) continue;
      const value = vals[name];
      if (value === undefined || value === null || value === false || value === "") {
        throw validationError(
          "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n" +
            "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n" +
            `Model: ${this.description} (${this.name}), Field: ${definition.string} (${name})`,
        );
      }
    }
  }

  private async fillMany2oneNames(env: Env, names: string[], out: Map<number, Values>): Promise<void> {
    for (const name of names) {
      const definition = this.fields[name];
      if (definition?.type !== "many2one" || !definition.store) continue;
      const targetIds = [...new Set([...out.values()].map((record) => record[name]).filter((id): id is number => typeof id === "number"))];
      const labels = targetIds.length > 0 ? await modelOf(env, definition.comodel!).displayNames(env, targetIds) : new Map<number, string>();
      for (const record of out.values()) {
        const id = record[name];
        if (typeof id === "number") record[name] = [id, labels.get(id) ?? ""];
      }
    }
  }
}

function fieldList(value: unknown): string[] | undefined {
  if (value === null || value === undefined || value === false) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  if (typeof value === "string") return [value];
  throw valueError(`fields must be a list of field names, got ${pyRepr(value)}`);
}

function optionalCount(value: unknown): number | undefined {
  return value === null || value === undefined || value === false ? undefined : (value as number);
}

function searchOptions(args: Record<string, unknown>): SearchOptions {
  return {
    offset: optionalCount(args.offset) ?? 0,
    limit: optionalCount(args.limit),
    order: typeof args.order === "string" && args.order.trim() !== "" ? args.order : undefined,
  };
}

function checkCount(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw valueError(`${name} must be a whole number >= 0, got ${pyRepr(value)}`);
  return value;
}
