import { odooAdminCredentials, type LabSecrets } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import { OdooClient } from "../odoo/odoo-client.ts";
import { runMarkerCode } from "../odoo/run-marker-code.ts";
import { labEndpoints, odooDatabaseCredentials, type LabEndpoints } from "../lab-endpoints.ts";
import { withSqlConnection } from "./sql-connection.ts";

/**
 * The lab's own one-shot cron jobs, as the cron workloads (a backlog, timed wake-ups) make and clear
 * them: created held through the web as a user would, made due, woken the way Odoo's code wakes
 * its cron workers, and deleted after the run.
 */
export const HELD_NEXTCALL = "2099-01-01 00:00:00";
export const DUE_NEXTCALL = "2020-01-01 00:00:00";
const BATCH = 100;

export class LabCronJobs {
  readonly endpoints: LabEndpoints;
  private odoo: OdooClient | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly secrets: LabSecrets,
    private readonly timeoutMs: number,
    /** Named in errors: "cron backlog", "cron wake-ups". */
    private readonly owner: string,
  ) {
    this.endpoints = labEndpoints(topology);
  }

  /** Logs in as the lab's admin through the VIP (once). */
  private async client(): Promise<OdooClient> {
    if (this.odoo) return this.odoo;
    const odoo = new OdooClient({ url: this.endpoints.webUrl, db: this.endpoints.database, timeoutMs: this.timeoutMs });
    const { login, password } = odooAdminCredentials(this.secrets);
    const uid = await odoo.login(login, password).catch((error: Error) => {
      throw new Error(`${this.owner}: cannot log in to Odoo at ${this.endpoints.webUrl} as ${login}: ${error.message}`);
    });
    if (uid === false) throw new Error(`${this.owner}: Odoo at ${this.endpoints.webUrl} refuses the lab's admin password (see .lab/${this.topology.name}/secrets.json)`);
    this.odoo = odoo;
    return odoo;
  }

  /** Creates one held one-shot job per name, each writing its run marker (after `workSeconds` of pg_sleep); returns their ids in order. */
  async createHeld(names: readonly string[], workSeconds?: number): Promise<number[]> {
    const odoo = await this.client();
    const [model] = await odoo.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
    if (!model) throw new Error(`${this.owner}: the database has no ir.model 'ir.logging'`);
    const ids: number[] = [];
    for (let start = 0; start < names.length; start += BATCH) {
      const values = names.slice(start, start + BATCH).map((name) => ({
        name,
        model_id: model.id,
        state: "code",
        code: runMarkerCode(name, "cron run", workSeconds),
        interval_number: 1,
        interval_type: "days",
        numbercall: 1,
        doall: false,
        nextcall: HELD_NEXTCALL,
      }));
      ids.push(...(await odoo.executeKw<number[]>("ir.cron", "create", [values])));
    }
    return ids;
  }

  /** Makes these jobs due now (their next call in the past). */
  async makeDue(ids: readonly number[]): Promise<void> {
    await (await this.client()).executeKw("ir.cron", "write", [[...ids], { nextcall: DUE_NEXTCALL }]);
  }

  /** What ir.cron._trigger does for a call due now: a notification on the postgres database, where the workers listen. */
  async wakeWorkers(): Promise<void> {
    await withSqlConnection({ ...this.endpoints.readWrite, database: "postgres", ...odooDatabaseCredentials(this.secrets) }, this.timeoutMs, async (client) => {
      await client.query(`NOTIFY cron_trigger, '${this.endpoints.database}'`);
    });
  }

  /**
   * Deletes the jobs whose name starts with `prefix`, skipping the ones a cron worker holds right
   * now (a plain DELETE would queue behind every job the workers take next, and trail them), then
   * again until none is left: a held job is released as soon as its run is done.
   */
  async deleteJobs(prefix: string): Promise<number> {
    const pattern = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
    let deleted = 0;
    await waitFor(
      `every cron job named ${prefix}* deleted`,
      () =>
        withSqlConnection({ ...this.endpoints.readWrite, database: this.endpoints.database, ...odooDatabaseCredentials(this.secrets) }, this.timeoutMs, async (client) => {
          const result = await client.query("DELETE FROM ir_cron WHERE id IN (SELECT id FROM ir_cron WHERE cron_name LIKE $1 FOR UPDATE SKIP LOCKED)", [pattern]);
          deleted += result.rowCount ?? 0;
          const { rows } = await client.query<{ held: number }>("SELECT count(*)::int AS held FROM ir_cron WHERE cron_name LIKE $1", [pattern]);
          const held = rows[0]?.held ?? 0;
          return held === 0 ? { done: true as const, value: undefined } : { done: false as const, observation: `${held} job(s) still held by a cron worker` };
        }),
      { timeoutMs: this.timeoutMs, intervalMs: 250 },
    );
    return deleted;
  }
}
