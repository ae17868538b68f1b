import { userError, validationError } from "../rpc/errors.ts";
import { NOW_UTC } from "../db/schema.ts";
import { modelOf, type Env } from "./env.ts";
import { boolean, char, computed, many2one } from "./fields.ts";
import { Model, type Values } from "./model.ts";
import { hashPassword } from "./password.ts";

/** Odoo's fixed user ids: 1 is the superuser __system__ (inactive), 2 the `admin` user. */
export const SUPERUSER_ID = 1;
export const ADMIN_USER_ID = 2;

/**
 * res.users: logins and password hashes. As in Odoo the name lives on the user's partner, the
 * password reads as '' and is stored hashed, and each login adds a res_users_log row.
 */
export class ResUsers extends Model {
  constructor() {
    super({
      name: "res.users",
      table: "res_users",
      description: "User",
      order: "login",
      recName: "login",
      fields: {
        login: char("Login", { required: true }),
        password: computed("char", "Password"),
        name: computed("char", "Name"),
        partner_id: many2one("res.partner", "Related Partner", { required: true }),
        active: boolean("Active", { default: () => true }),
        login_date: computed("datetime", "Latest authentication", { readonly: true }),
      },
    });
  }

  override async displayNames(env: Env, ids: number[]): Promise<Map<number, string>> {
    const rows = await env.cr.query<{ id: number; name: string | null }>(
      `SELECT u.id, p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name ?? ""]));
  }

  protected override async prepareCreate(env: Env, vals: Values): Promise<Values> {
    if (!vals.partner_id) {
      if (!vals.name) throw validationError("A user needs a name (it is stored on the user's contact): give 'name' or 'partner_id'.");
      const [partnerId] = await modelOf(env, "res.partner").create(env, [{ name: vals.name, email: isEmail(vals.login) ? vals.login : false }]);
      vals.partner_id = partnerId;
    }
    return vals;
  }

  protected override async afterCreate(env: Env, id: number, vals: Values): Promise<void> {
    if (typeof vals.password === "string" && vals.password !== "") await this.setPassword(env, id, vals.password);
  }

  protected override async prepareWrite(env: Env, ids: number[], vals: Values): Promise<Values> {
    if (typeof vals.name === "string" && vals.name !== "") {
      const partners = await env.cr.query<{ partner_id: number }>(`SELECT partner_id FROM res_users WHERE id = ANY($1)`, [ids]);
      await modelOf(env, "res.partner").write(env, partners.map((row) => row.partner_id), { name: vals.name });
    }
    return vals;
  }

  protected override async afterWrite(env: Env, ids: number[], vals: Values): Promise<void> {
    if (typeof vals.password === "string" && vals.password !== "") {
      for (const id of ids) await this.setPassword(env, id, vals.password);
    }
  }

  protected override async beforeUnlink(_env: Env, ids: number[]): Promise<void> {
    if (ids.includes(SUPERUSER_ID) || ids.includes(ADMIN_USER_ID)) {
      throw userError("You can not remove the admin user as it is used internally for resources created by Odoo (updates, module installation, ...)");
    }
  }

  protected override async computeFields(env: Env, rows: Values[], names: string[], out: Map<number, Values>): Promise<void> {
    await super.computeFields(env, rows, names, out);
    const ids = rows.map((row) => row.id as number);
    if (names.includes("name")) {
      const labels = await this.displayNames(env, ids);
      for (const id of ids) out.get(id)!.name = labels.get(id) || false;
    }
    if (names.includes("password")) for (const id of ids) out.get(id)!.password = "";
    if (names.includes("login_date")) {
      const logins = await env.cr.query<{ uid: number; last: string | null }>(
        `SELECT create_uid AS uid, max(create_date) AS last FROM res_users_log WHERE create_uid = ANY($1) GROUP BY create_uid`,
        [ids],
      );
      const byUser = new Map(logins.map((row) => [row.uid, row.last]));
      for (const id of ids) out.get(id)!.login_date = byUser.get(id)?.slice(0, 19) ?? false;
    }
  }

  private async setPassword(env: Env, id: number, password: string): Promise<void> {
    await env.cr.query(`UPDATE res_users SET password = $1 WHERE id = $2`, [await hashPassword(password), id]);
  }
}

/** Odoo 17's _update_last_login: one res_users_log row per successful login. */
export async function recordLogin(env: Env, uid: number): Promise<void> {
  await env.cr.query(`INSERT INTO res_users_log (create_uid, create_date, write_uid, write_date) VALUES ($1, ${NOW_UTC}, $1, ${NOW_UTC})`, [uid]);
}

function isEmail(value: unknown): boolean {
  return typeof value === "string" && /^[^@\s]+@[^@\s]+$/.test(value);
}
