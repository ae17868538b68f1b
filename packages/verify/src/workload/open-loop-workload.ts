import { odooAdminCredentials, type LabSecrets } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { OpenLoopKind as OperationKind, Operation } from "../history.ts";
import { labEndpoints, odooDatabaseCredentials } from "../lab-endpoints.ts";
import { AcknowledgedWrites } from "./acknowledged-writes.ts";
import { OdooOperations } from "./odoo-operations.ts";
import { OpenLoopScheduler, type OperationBody, type OperationContext, type OperationResult } from "./open-loop-scheduler.ts";
import { SqlOperations } from "./sql-operations.ts";
import { workloadSteadyProblem } from "./workload-steady.ts";

export interface OpenLoopWorkloadOptions {
  topology: Topology;
  secrets: LabSecrets;
  /** Operations per second for each kind; kinds left out are not run. */
  rates: Partial<Record<OperationKind, number>>;
  /** Client timeout per operation (default 2000 ms). */
  timeoutMs?: number;
  /** Nothing is fired after this long (default 10 minutes), whether or not stop() is called. */
  maxDurationMs?: number;
  /** Cap on operations of one kind in flight (default 64: 25/s with every one hanging for 2 s is 50). */
  maxInFlight?: number;
  /** Called for each operation as it is recorded (e.g. for a live view). */
  onOperation?: (operation: Operation) => void;
}

/**
 * The load a user population puts on the lab, through the VIP only: Odoo JSON-RPC and web-session
 * calls on the web port, SQL on the read-write and read-only listeners. Open loop: see
 * OpenLoopScheduler. Writes carry unique keys so the final verification can find every one.
 */
export class OpenLoopWorkload {
  private readonly scheduler: OpenLoopScheduler;
  private readonly odoo: OdooOperations;
  private readonly sql: SqlOperations;
  private readonly acknowledged = new AcknowledgedWrites();
  private prepared = false;
  private started = false;

  constructor(private readonly options: OpenLoopWorkloadOptions) {
    const endpoints = labEndpoints(options.topology);
    const timeoutMs = options.timeoutMs ?? 2000;
    const runStartedAt = Date.now();
    const { login, password } = odooAdminCredentials(options.secrets);
    // Requests are spread round-robin over app nodes and, within a node, over its HTTP workers.
    const serverProcesses = options.topology.nodes.reduce((sum, node) => sum + (node.odoo?.http ? Math.max(1, node.odoo.workers) : 0), 0);
    this.odoo = new OdooOperations({ endpoints, login, password, timeoutMs, acknowledged: this.acknowledged, runTag: `lab-verify-${runStartedAt}`, warmUpCalls: 2 * serverProcesses });
    this.sql = new SqlOperations({ endpoints, credentials: odooDatabaseCredentials(options.secrets), timeoutMs, acknowledged: this.acknowledged, idBase: BigInt(runStartedAt) * 1_000_000n });
    this.scheduler = new OpenLoopScheduler(
      {
        rates: options.rates,
        timeoutMs,
        maxDurationMs: options.maxDurationMs ?? 600_000,
        maxInFlight: options.maxInFlight ?? 64,
        onRecorded: (operation) => {
          this.acknowledged.record(operation);
          options.onOperation?.(operation);
        },
      },
      this.body,
    );
  }

  /**
   * Prepares what the operations need (the SQL table, an Odoo login, the web session) while the lab
   * is still healthy. Throws, naming the endpoint, if the lab is not usable.
   */
  async prepare(): Promise<void> {
    if (this.prepared) throw new Error("OpenLoopWorkload.prepare() called twice");
    this.prepared = true;
    const rates = this.options.rates;
    const wants = (kinds: OperationKind[]) => kinds.some((kind) => (rates[kind] ?? 0) > 0);
    if (wants(["sql.write", "sql.read", "sql.transaction"])) await this.sql.prepare();
    if (wants(["odoo.partner.write", "odoo.partner.read", "odoo.attachment.upload", "odoo.attachment.download", "odoo.session.call"])) {
      await this.odoo.prepare(wants(["odoo.session.call"]));
    }
  }

  /** Starts the schedule (preparing first, unless prepare() was called). */
  async start(): Promise<void> {
    if (this.started) throw new Error("OpenLoopWorkload.start() called twice");
    this.started = true;
    if (!this.prepared) await this.prepare();
    this.scheduler.start();
  }

  /** Resolves when the schedule reached maxDurationMs (operations may still be in flight). */
  get firingEnded(): Promise<void> {
    return this.scheduler.firingEnded;
  }

  /**
   * Resolves once the last STEADY_OPERATIONS operations of each of `kinds` invoked since `since`
   * succeeded (what users see is steady); rejects after `timeoutMs`, saying which kind is not.
   */
  async untilSteady(kinds: readonly OperationKind[], since: number, timeoutMs: number): Promise<void> {
    await waitFor(`${kinds.join(", ")} steady (the last operations of each succeeded)`, async () => {
      const problem = workloadSteadyProblem(this.scheduler.completedSoFar(), kinds, since);
      return problem ? { done: false, observation: problem } : { done: true, value: undefined };
    }, { timeoutMs, intervalMs: 250 });
  }

  /** Stops firing and returns every operation, once each in-flight one completed or timed out. */
  async stop(): Promise<Operation[]> {
    const operations = await this.scheduler.stop();
    this.sql.close();
    return operations;
  }

  /** Stops firing and abandons in-flight operations (recorded as indeterminate): for a run that must end now. */
  async abort(): Promise<Operation[]> {
    const operations = await this.scheduler.abort();
    this.sql.close();
    return operations;
  }

  private body: OperationBody = (kind: OperationKind, context: OperationContext): Promise<OperationResult> => {
    switch (kind) {
      case "odoo.login":
        return this.odoo.login(context);
      case "odoo.partner.write":
        return this.odoo.partnerWrite(context);
      case "odoo.partner.read":
        return this.odoo.partnerRead(context);
      case "odoo.attachment.upload":
        return this.odoo.attachmentUpload(context);
      case "odoo.attachment.download":
        return this.odoo.attachmentDownload(context);
      case "odoo.session.call":
        return this.odoo.sessionCall(context);
      case "sql.write":
        return this.sql.write(context);
      case "sql.read":
        return this.sql.read(context);
      case "sql.transaction":
        return this.sql.transaction(context);
    }
  };
}
