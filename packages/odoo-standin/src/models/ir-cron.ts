import { parseCronCode, SUPPORTED_FORM } from "../cron/code-form.ts";
import { INTERVAL_TYPES } from "../cron/interval.ts";
import { runCronCode } from "../cron/run-code.ts";
import { sqlState } from "../db/errors.ts";
import { NOW_UTC } from "../db/schema.ts";
import { userError, validationError, valueError } from "../rpc/errors.ts";
import type { Env } from "./env.ts";
import { boolean, char, computed, datetime, formatOdooDatetime, integer, many2one, selection, text } from "./fields.ts";
import { Model, type MethodSpec, type Values } from "./model.ts";
import { pyRepr } from "./py-repr.ts";

/** Odoo 17's ir.actions.server states; the stand-in runs only 'code'. */
const STATES = ["code", "object_create", "object_write", "multi"] as const;

/**
 * ir.cron as in Odoo 17 (numbercall/doall still exist there). Writes and deletes first take the
 * job's row lock with NOWAIT, so a job that is running cannot be modified (Odoo's _try_lock).
 * Creating or re-scheduling a job sends NOTIFY cron_trigger only when ODOO_NOTIFY_CRON_CHANGES is
 * set, exactly like Odoo; otherwise cron workers see it at their next poll.
 */
export class IrCron extends Model {
  constructor() {
    super({
      name: "ir.cron",
      table: "ir_cron",
      description: "Scheduled Actions",
      order: "cron_name",
      recName: "cron_name",
      fields: {
        name: char("Name", { column: "cron_name", required: true }),
        cron_name: char("Name", { readonly: true }),
        model_id: many2one("ir.model", "Model", { required: true }),
        model_name: computed("char", "Model Name", { readonly: true }),
        state: selection(STATES, "Action To Do", { required: true, default: () => "code" }),
        code: text("Python Code"),
        user_id: many2one("res.users", "Scheduler User", { required: true, default: (uid) => uid }),
        active: boolean("Active", { default: () => true }),
        interval_number: integer("Interval Number", { default: () => 1 }),
        interval_type: selection(INTERVAL_TYPES, "Interval Unit", { default: () => "months" }),
        numbercall: integer("Number of Calls", { default: () => 1 }),
        doall: boolean("Repeat Missed", { default: () => false }),
        nextcall: datetime("Next Execution Date", { required: true, default: () => formatOdooDatetime(new Date()) }),
        lastcall: datetime("Last Execution Date", { readonly: true }),
        priority: integer("Priority", { default: () => 5 }),
      },
    });
  }

  protected override async prepareCreate(env: Env, vals: Values): Promise<Values> {
    return this.checkValues(env, vals);
  }

  protected override async prepareWrite(env: Env, ids: number[], vals: Values): Promise<Values> {
    await this.tryLock(env, ids, false);
    return this.checkValues(env, vals);
  }

  protected override async afterCreate(env: Env, _id: number, vals: Values): Promise<void> {
    this.notifyIfAsked(env, vals);
  }

  protected override async afterWrite(env: Env, _ids: number[], vals: Values): Promise<void> {
    this.notifyIfAsked(env, vals);
  }

  protected override async beforeUnlink(env: Env, ids: number[]): Promise<void> {
    await this.tryLock(env, ids, true);
  }

  protected override async computeFields(env: Env, rows: Values[], names: string[], out: Map<number, Values>): Promise<void> {
    await super.computeFields(env, rows, names, out);
    if (!names.includes("model_name")) return;
    const modelIds = [...new Set(rows.map((row) => row.model_id as number))];
    const models = await env.cr.query<{ id: number; model: string }>(`SELECT id, model FROM ir_model WHERE id = ANY($1)`, [modelIds]);
    const byId = new Map(models.map((row) => [row.id, row.model]));
    for (const row of rows) out.get(row.id as number)!.model_name = byId.get(row.model_id as number) ?? false;
  }

  override methods(): Record<string, MethodSpec> {
    return {
      ...super.methods(),
      // "Run Manually": runs the code now, in this request's transaction, and sets lastcall only.
      method_direct_trigger: {
        onRecords: true,
        params: [],
        run: async (env, _args, ids) => {
          for (const id of ids) {
            await this.tryLock(env, [id], false);
            const [job] = await env.cr.query<{ cron_name: string; code: string; user_id: number }>(`SELECT cron_name, code, user_id FROM ir_cron WHERE id = $1`, [id]);
            if (!job) continue;
            env.services.logger.info("odoo.addons.base.models.ir_cron", `Manually starting job \`${job.cron_name}\`.`);
            await runCronCode({ ...env, uid: job.user_id }, { id, name: job.cron_name }, job.code);
            env.services.logger.info("odoo.addons.base.models.ir_cron", `Job \`${job.cron_name}\` done.`);
            await env.cr.query(`UPDATE ir_cron SET lastcall = ${NOW_UTC} WHERE id = $1`, [id]);
          }
          return true;
        },
      },
    };
  }

  private async checkValues(env: Env, vals: Values): Promise<Values> {
    if (typeof vals.model_id === "string") vals.model_id = await this.modelIdOf(env, vals.model_id);
    if ("state" in vals && vals.state !== "code") {
      throw validationError(`The stand-in runs only scheduled actions with state 'code' (got ${pyRepr(vals.state)}).`);
    }
    if ("code" in vals) {
      const code = typeof vals.code === "string" ? vals.code : "";
      const parsed = parseCronCode(code);
      if (!parsed.ok) {
        throw validationError(
          `The stand-in runs one form of cron code only, the lab's run marker (which also runs on a real Odoo):\n  ${SUPPORTED_FORM}\n` +
            `This code does not match it: ${parsed.problem}.\nCode given: ${code === "" ? "(empty)" : code}`,
        );
      }
    }
    if ("interval_number" in vals && !(typeof vals.interval_number === "number" && vals.interval_number > 0)) {
      throw validationError("The interval number must be a strictly positive number.");
    }
    return vals;
  }

  /** The stand-in also takes the model's technical name for model_id (real Odoo wants the ir.model id). */
  private async modelIdOf(env: Env, model: string): Promise<number> {
    const rows = await env.cr.query<{ id: number }>(`SELECT id FROM ir_model WHERE model = $1`, [model]);
    if (!rows[0]) throw valueError(`Unknown model ${pyRepr(model)} for ir.cron.model_id (search ir.model for its id)`);
    return rows[0].id;
  }

  /** Odoo's ir.cron._try_lock: fail at once (not wait) when a cron worker holds the job. */
  private async tryLock(env: Env, ids: number[], foreignKeys: boolean): Promise<void> {
    const strength = foreignKeys ? "UPDATE" : "NO KEY UPDATE";
    try {
      await env.cr.query("SAVEPOINT cron_try_lock");
      await env.cr.query(`SELECT id FROM ir_cron WHERE id = ANY($1) FOR ${strength} NOWAIT`, [ids]);
      await env.cr.query("RELEASE SAVEPOINT cron_try_lock");
    } catch (error) {
      if (sqlState(error) !== "55P03") throw error;
      await env.cr.query("ROLLBACK TO SAVEPOINT cron_try_lock");
      throw userError(
        "Record cannot be modified right now: This cron task is currently being executed and may not be modified Please try again in a few minutes",
      );
    }
  }

  private notifyIfAsked(env: Env, vals: Values): void {
    if (!process.env.ODOO_NOTIFY_CRON_CHANGES) return;
    if ("nextcall" in vals || vals.active) env.cr.afterCommit(() => env.services.notifyCronTrigger());
  }
}
