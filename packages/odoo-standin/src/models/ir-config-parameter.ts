import { NOW_UTC } from "../db/schema.ts";
import type { Env } from "./env.ts";
import { char, text } from "./fields.ts";
import { Model, type MethodSpec } from "./model.ts";

/** ir.config_parameter: key/value settings (database.uuid, web.base.url...). */
export class IrConfigParameter extends Model {
  constructor() {
    super({
      name: "ir.config_parameter",
      table: "ir_config_parameter",
      description: "System Parameter",
      order: "key",
      recName: "key",
      fields: {
        key: char("Key", { required: true }),
        value: text("Value", { required: true }),
      },
    });
  }

  async getParam(env: Env, key: string): Promise<string | undefined> {
    const rows = await env.cr.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = $1`, [key]);
    return rows[0]?.value;
  }

  /** Odoo's set_param: a false value deletes the parameter. */
  async setParam(env: Env, key: string, value: string | false): Promise<void> {
    if (value === false) {
      await env.cr.query(`DELETE FROM ir_config_parameter WHERE key = $1`, [key]);
      return;
    }
    await env.cr.query(
      `INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, $3, $3, ${NOW_UTC}, ${NOW_UTC})
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date`,
      [key, value, env.uid],
    );
  }

  override methods(): Record<string, MethodSpec> {
    return {
      ...super.methods(),
      get_param: {
        onRecords: false,
        params: [{ name: "key", required: true }, { name: "default", default: false }],
        run: async (env, args) => (await this.getParam(env, String(args.key))) ?? args.default,
      },
      set_param: {
        onRecords: false,
        params: [{ name: "key", required: true }, { name: "value", required: true }],
        run: async (env, args) => {
          const previous = (await this.getParam(env, String(args.key))) ?? false;
          await this.setParam(env, String(args.key), args.value === false || args.value === null ? false : String(args.value));
          return previous;
        },
      },
    };
  }
}
