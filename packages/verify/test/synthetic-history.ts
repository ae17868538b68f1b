import type { FinalRead, FinalState, History, Operation, OperationKind, Outcome, ProbeAnswers, ProbeFailure, ProbeName, ProbeSample } from "../src/history.ts";

/** What a probe's answer holds when a test names only the fields it is about. */
const EMPTY_ANSWERS: ProbeAnswers = {
  "patroni-leader": { leader: null, leaders: [], views: {}, members: [] },
  "writable-primaries": { writable: [], readOnly: [], unreachable: [] },
  "vip-holders": { holders: [] },
  storage: {},
  "odoo-health": {},
  "cron-runs": { runs: {} },
  alerts: { firing: [], pending: [] },
};

export const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

/** A history builder for checker tests: times are milliseconds after T0. */
export class SyntheticHistory {
  private nextId = 1;
  readonly history: History = { lab: "synthetic", scenario: "unit", startedAt: T0, endedAt: T0 + 30_000, operations: [], probes: [], faults: [] };

  op(kind: OperationKind, at: number, outcome: Outcome, extra: Partial<Operation> = {}, latencyMs = 10): Operation {
    const operation: Operation = { id: this.nextId++, kind, invokedAt: T0 + at, completedAt: T0 + at + latencyMs, outcome, ...extra };
    this.history.operations.push(operation);
    return operation;
  }

  /** One operation of `kind` every `everyMs` from `from` to `to` (exclusive), outcome chosen by time. */
  series(kind: OperationKind, from: number, to: number, everyMs: number, outcome: (at: number) => Outcome, extra: (at: number) => Partial<Operation> = () => ({})): this {
    for (let at = from; at < to; at += everyMs) this.op(kind, at, outcome(at), extra(at));
    return this;
  }

  fault(id: string, injectedAt: number, healedAt?: number): this {
    this.history.faults.push({ id, description: `synthetic ${id}`, injectedAt: T0 + injectedAt, ...(healedAt === undefined ? {} : { healedAt: T0 + healedAt }) });
    return this;
  }

  probe<Name extends ProbeName>(probe: Name, at: number, value: Partial<ProbeAnswers[Name]> | ProbeFailure): this {
    const answer = "error" in value ? value : { ...EMPTY_ANSWERS[probe], ...value };
    this.history.probes.push({ probe, at: T0 + at, value: { ...answer, tookMs: 0 } } as ProbeSample);
    return this;
  }

  final(reads: FinalRead[], extra: Partial<FinalState> = {}): this {
    this.history.finalState = { checkedAt: this.history.endedAt + 1_000, primary: "postgresql2", appNodes: ["odoo1", "odoo2"], reads, cronRuns: [], errors: [], ...extra };
    return this;
  }
}

export function read(op: Operation, via: string, status: FinalRead["status"], path: FinalRead["path"] = "database"): FinalRead {
  return { opId: op.id, kind: op.kind, key: op.key ?? "", path, via, status };
}
