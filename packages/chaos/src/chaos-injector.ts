import { randomBytes } from "node:crypto";
import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Host } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import { describeFault, faultAction, validateFaultSpec } from "./fault-catalogue.ts";
import { FaultJournal } from "./fault-journal.ts";
import type { FaultRecord, FaultSpec } from "./fault-spec.ts";
import type { FaultContext } from "./faults/fault-action.ts";
import type { NodeControl } from "@odoo-ha-lab/machine";

export interface ChaosInjectorOptions {
  topology: Topology;
  /** One Host per topology node: the same faults run on containers, SSH hosts or VMs. */
  hosts: ReadonlyMap<string, Host>;
  nodes: NodeControl;
  /** The lab's credentials: a drained app node's heal logs in to warm its workers (without them it warms the login page only). */
  secrets?: LabSecrets;
  /** The lab's fault journal, e.g. `.lab/<lab>/faults.json`. */
  journalPath: string;
  /** Receives one timestamped line per step. */
  log?: (line: string) => void;
}

/** healAll could not heal everything: each failure names the fault and why. What it healed stays healed. */
export class ChaosHealError extends Error {
  constructor(
    readonly failures: { record: FaultRecord; error: Error }[],
    readonly healed: FaultRecord[],
  ) {
    const lines = failures.map(({ record, error }) => `  - ${record.id} (${describeFault(record.spec)}): ${error.message.replace(/\n/g, "\n    ")}`);
    super(`could not heal ${failures.length} fault(s) (${healed.length} healed):\n${lines.join("\n")}\nFix the cause and heal again: only what is still unhealed is retried.`);
    this.name = "ChaosHealError";
  }
}

/**
 * Injects faults as reversible actions and keeps the journal. Every record is written before its
 * fault is acted on, so a crash mid-injection still leaves something to heal.
 */
export class ChaosInjector {
  private readonly journal: FaultJournal;

  constructor(private readonly options: ChaosInjectorOptions) {
    this.journal = new FaultJournal(options.journalPath, options.topology.name);
  }

  async inject(spec: FaultSpec): Promise<FaultRecord> {
    validateFaultSpec(spec, this.options.topology);
    const id = randomBytes(4).toString("hex");
    const description = describeFault(spec);
    const injectedAt = Date.now();
    await this.journal.add({ id, spec, description, injectedAt });
    this.log(`inject ${id}: ${description}`);
    const notes: string[] = [];
    let landed: number | undefined;
    try {
      await faultAction(spec).inject(this.context(id, notes, (at) => (landed = at)));
    } catch (error) {
      const failure = error as Error;
      await this.journal.update(id, { error: `inject: ${failure.message}`, ...(notes.length ? { notes } : {}) });
      this.log(`inject ${id} failed after ${Date.now() - injectedAt} ms: ${failure.message}; undoing what it did`);
      const rollback = await this.heal(id).then(
        () => "what it had done was undone",
        (healError: Error) => `undoing it failed too, run healAll: ${healError.message}`,
      );
      failure.message = `cannot ${description} (fault ${id}): ${failure.message}\n(${rollback})`;
      throw failure;
    }
    const activeAt = Date.now();
    // (a node's clock may be off from this one: an instant outside the injection is brought into it)
    const landedAt = landed === undefined ? undefined : Math.min(Math.max(landed, injectedAt), activeAt);
    const record = await this.journal.update(id, { activeAt, ...(landedAt !== undefined ? { landedAt } : {}), ...(notes.length ? { notes } : {}) });
    this.log(`injected ${id} in ${record.activeAt! - injectedAt} ms: ${description}`);
    return record;
  }

  /** Idempotent: a healed fault is returned as it is. */
  async heal(id: string): Promise<FaultRecord> {
    const record = (await this.journal.read()).find((candidate) => candidate.id === id);
    if (!record) throw new Error(`no fault ${id} in ${this.options.journalPath}`);
    if (record.healedAt !== undefined) return record;
    const description = describeFault(record.spec);
    const healStartedAt = Date.now();
    await this.journal.update(id, { healStartedAt });
    this.log(`heal ${id}: ${description}`);
    const notes = [...(record.notes ?? [])];
    try {
      await faultAction(record.spec).heal(this.context(id, notes));
    } catch (error) {
      const failure = error as Error;
      await this.journal.update(id, { error: `heal: ${failure.message}`, notes: notes.length ? notes : undefined });
      this.log(`heal ${id} failed after ${Date.now() - healStartedAt} ms: ${failure.message}`);
      failure.message = `cannot heal ${description} (fault ${id}): ${failure.message}`;
      throw failure;
    }
    const healed = await this.journal.update(id, {
      healedAt: Date.now(),
      notes: notes.length ? notes : undefined,
      // A heal that succeeds clears an earlier failed heal, but the story of a failed inject stays.
      error: record.error?.startsWith("heal:") ? undefined : record.error,
    });
    this.log(`healed ${id} in ${healed.healedAt! - healStartedAt} ms: ${description}`);
    return healed;
  }

  /**
   * Heals every unhealed fault in the journal, also those of a process that crashed, newest first
   * (an unpause must come before removing rules inside the paused node). Best effort: every heal is
   * tried; while a round heals something, what failed is tried again (a fault that failed because
   * of an older one, e.g. on a node paused before it, heals once that one is healed). Then one
   * ChaosHealError names each fault that still failed.
   */
  async healAll(): Promise<FaultRecord[]> {
    let open = (await this.journal.read()).filter((record) => record.healedAt === undefined).sort((a, b) => b.injectedAt - a.injectedAt);
    const healed: FaultRecord[] = [];
    let failures: { record: FaultRecord; error: Error }[] = [];
    while (open.length) {
      failures = [];
      for (const record of open) {
        try {
          healed.push(await this.heal(record.id));
        } catch (error) {
          failures.push({ record, error: error as Error });
        }
      }
      if (failures.length === open.length) break; // no progress this round
      open = failures.map((failure) => failure.record);
    }
    if (failures.length) throw new ChaosHealError(failures, healed);
    return healed;
  }

  /** Every fault the journal holds, healed or not, oldest first. */
  records(): Promise<FaultRecord[]> {
    return this.journal.read();
  }

  private context(id: string, notes: string[], landed: (at: number) => void = () => undefined): FaultContext {
    const { topology, hosts, nodes, secrets } = this.options;
    return {
      id,
      topology,
      nodes,
      secrets,
      host: (node) => {
        const host = hosts.get(node);
        if (!host) throw new Error(`no host for node ${node}: the injector was given hosts for ${[...hosts.keys()].join(", ") || "no node"}`);
        return host;
      },
      note: (message) => {
        notes.push(message);
        this.log(`  ${id}: ${message}`);
      },
      landed,
    };
  }

  private log(line: string): void {
    this.options.log?.(`${new Date().toISOString()} ${line}`);
  }
}
