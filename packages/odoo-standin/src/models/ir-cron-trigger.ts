import type { Env } from "./env.ts";
import { datetime, many2one } from "./fields.ts";
import { Model } from "./model.ts";

/**
 * ir.cron.trigger: "run this job at call_at", consumed (deleted) by the cron worker that runs
 * the job. As in Odoo, creating one does not wake cron workers: they see it at their next poll,
 * or at once after a `NOTIFY cron_trigger` on the postgres database.
 */
export class IrCronTrigger extends Model {
  constructor() {
    super({
      name: "ir.cron.trigger",
      table: "ir_cron_trigger",
      description: "Triggered actions",
      order: "id",
      recName: "cron_id",
      fields: {
        cron_id: many2one("ir.cron", "Cron"),
        call_at: datetime("Call At"),
      },
    });
  }

  override async displayNames(env: Env, ids: number[]): Promise<Map<number, string>> {
    const rows = await env.cr.query<{ id: number; name: string | null }>(
      `SELECT t.id, c.cron_name AS name FROM ir_cron_trigger t LEFT JOIN ir_cron c ON c.id = t.cron_id WHERE t.id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name ?? ""]));
  }
}
