import type { CheckerResult } from "../checker-result.ts";
import { answersOf, OPERATION_KINDS, type History, type Operation, type OperationKind, type Outcome, type ProbeAnswers, type ProbeName } from "../history.ts";

/** Everything the report page draws, precomputed here so the page itself only lays charts out. */
export interface TimelineData {
  lab: string;
  scenario: string;
  startedAt: number;
  endedAt: number;
  kinds: OperationKind[];
  /** Per outcome: [seconds into the run, kind row (with jitter), op id, latency ms]. */
  points: Record<Outcome, [number, number, number, number][]>;
  bucketMs: number;
  buckets: { labels: string[] } & Record<Outcome, number[]>;
  /** Acknowledged operations' latency per kind: [seconds into the run, ms]. */
  latency: Partial<Record<OperationKind, [number, number][]>>;
  faults: { id: string; description: string; from: number; to: number; healed: boolean }[];
  /** Leader and VIP changes, and the method's marks (phase boundaries). */
  markers: { at: number; kind: "leader" | "vip" | "mark"; label: string }[];
  /** What the first answered probes saw: the state the changes start from. */
  initial: { leader: string | undefined; vipHolders: string | undefined };
  /** Step lines of what the probes saw: writable primaries, VIP holders, healthy app nodes, mounted filestores. */
  probeSeries: { name: string; points: [number, number][] }[];
  counts: { kind: OperationKind; ok: number; fail: number; indeterminate: number }[];
  /** The browser user's steps worth showing: each that went wrong, and each with a screenshot kept. */
  browser: { at: number; step: string; outcome: Outcome; seen: string; screenshot?: string }[];
  /** Odoo's server log lines of the run from its log database (undefined: the lab has none): first line and the exception's line. */
  serverLog?: { at: number; host: string | null; level: string; logger: string; database: string | null; message: string }[];
  /** The monitor nodes' alerts (undefined: the lab has no monitor), each stretch it was pending or firing. */
  alerts?: AlertInterval[];
  results: CheckerResult[];
}

export interface AlertInterval {
  /** "OdooNodeDown (odoo2)" */
  alert: string;
  state: "pending" | "firing";
  /** Seconds into the run: from the first sample that saw it so to the first that did not (or the last sample). */
  from: number;
  to: number;
}

const OUTCOMES: Outcome[] = ["ok", "fail", "indeterminate"];

export function buildTimeline(history: History, results: CheckerResult[], bucketMs = 250): TimelineData {
  const seconds = (at: number) => Math.round(at - history.startedAt) / 1000;
  const kinds = OPERATION_KINDS.filter((kind) => history.operations.some((op) => op.kind === kind));
  const points: TimelineData["points"] = { ok: [], fail: [], indeterminate: [] };
  const latency: TimelineData["latency"] = {};
  for (const op of history.operations) {
    const row = kinds.indexOf(op.kind) + jitter(op.id);
    points[op.outcome].push([seconds(op.invokedAt), row, op.id, op.completedAt - op.invokedAt]);
    if (op.outcome === "ok") (latency[op.kind] ??= []).push([seconds(op.invokedAt), Math.max(1, op.completedAt - op.invokedAt)]);
  }
  return {
    lab: history.lab,
    scenario: history.scenario,
    startedAt: history.startedAt,
    endedAt: history.endedAt,
    kinds,
    points,
    bucketMs,
    buckets: bucketize(history.operations, history.startedAt, history.endedAt, bucketMs),
    latency,
    faults: history.faults.map((fault) => ({
      id: fault.id,
      description: fault.description,
      from: seconds(fault.injectedAt),
      to: seconds(fault.healedAt ?? history.endedAt),
      healed: fault.healedAt !== undefined,
    })),
    initial: { leader: states(history, "leader")[0]?.state, vipHolders: states(history, "vip")[0]?.state },
    markers: [
      ...changes(history, "leader"),
      ...changes(history, "vip"),
      ...(history.marks ?? []).map((mark) => ({ at: seconds(mark.at), kind: "mark" as const, label: `mark ${mark.label}` })),
      // A heal that took a while (a host powering on): where "while faulted" ends for the checkers.
      ...history.faults
        .filter((fault) => fault.healStartedAt !== undefined && (fault.healedAt ?? history.endedAt) - fault.healStartedAt >= 1_000)
        .map((fault) => ({ at: seconds(fault.healStartedAt!), kind: "mark" as const, label: `heal of ${fault.id} begins` })),
    ].sort((a, b) => a.at - b.at),
    probeSeries: probeSeries(history),
    counts: kinds.map((kind) => {
      const ofKind = history.operations.filter((op) => op.kind === kind);
      return { kind, ok: count(ofKind, "ok"), fail: count(ofKind, "fail"), indeterminate: count(ofKind, "indeterminate") };
    }),
    browser: history.operations
      .filter((op) => op.kind === "browser.page" && (op.outcome !== "ok" || op.shown?.screenshot))
      .sort((a, b) => a.invokedAt - b.invokedAt)
      .map((op) => ({ at: seconds(op.invokedAt), step: op.key ?? "", outcome: op.outcome, seen: op.error ?? "the page, whole", ...(op.shown?.screenshot ? { screenshot: op.shown.screenshot } : {}) })),
    ...(history.alertRules ? { alerts: alertIntervals(history) } : {}),
    ...(history.finalState?.serverLog ? { serverLog: history.finalState.serverLog.map((line) => ({ at: seconds(line.at), host: line.host, level: line.level, logger: line.logger, database: line.database, message: logSummary(line.message) })) } : {}),
    results,
  };
}

/** Each stretch of consecutive answered samples in which an alert kept one state (pending, then firing). */
export function alertIntervals(history: History): AlertInterval[] {
  const seconds = (at: number) => (at - history.startedAt) / 1000;
  const samples = answersOf(history.probes, "alerts");
  const intervals: AlertInterval[] = [];
  const open = new Map<string, AlertInterval>();
  for (const sample of samples) {
    const now = new Map<string, AlertInterval["state"]>([...sample.value.pending.map((alert) => [alert, "pending"] as const), ...sample.value.firing.map((alert) => [alert, "firing"] as const)]);
    for (const [alert, interval] of open) {
      if (now.get(alert) === interval.state) continue;
      interval.to = seconds(sample.at);
      open.delete(alert);
    }
    for (const [alert, state] of now) {
      if (open.has(alert)) continue;
      const interval = { alert, state, from: seconds(sample.at), to: seconds(sample.at) };
      open.set(alert, interval);
      intervals.push(interval);
    }
  }
  const last = samples.at(-1);
  for (const interval of open.values()) interval.to = seconds(last!.at);
  return intervals;
}

/** A log line's first line, and a traceback's last (the exception), for a table row. */
function logSummary(message: string): string {
  const lines = message.split("\n").filter((line) => line.trim() !== "");
  const first = lines[0] ?? "";
  return lines.length > 1 && lines.some((line) => line.startsWith("Traceback")) ? `${first} … ${lines.at(-1)!.trim()}` : first;
}

function count(ops: Operation[], outcome: Outcome): number {
  return ops.filter((op) => op.outcome === outcome).length;
}

/** A stable spread of points within a kind's row, so simultaneous operations stay visible. */
function jitter(id: number): number {
  return (((id * 2654435761) % 1000) / 1000 - 0.5) * 0.6;
}

function bucketize(ops: Operation[], from: number, to: number, bucketMs: number): TimelineData["buckets"] {
  const size = Math.max(1, Math.ceil((to - from) / bucketMs));
  const buckets = { labels: Array.from({ length: size }, (_, index) => ((index * bucketMs) / 1000).toFixed(2)), ok: new Array<number>(size).fill(0), fail: new Array<number>(size).fill(0), indeterminate: new Array<number>(size).fill(0) };
  for (const op of ops) {
    const index = Math.min(size - 1, Math.max(0, Math.floor((op.invokedAt - from) / bucketMs)));
    buckets[op.outcome][index]!++;
  }
  return buckets;
}

/** The leader (or the VIP's holders) by each answered sample, as the report names them. */
function states(history: History, kind: "leader" | "vip"): { at: number; state: string }[] {
  return kind === "leader"
    ? answersOf(history.probes, "patroni-leader").map((sample) => ({ at: sample.at, state: sample.value.leader ?? "none" }))
    : answersOf(history.probes, "vip-holders").map((sample) => ({ at: sample.at, state: sample.value.holders.join("+") || "none" }));
}

/** A marker wherever the leader (or the VIP holder) differs from the previous answered sample. */
function changes(history: History, kind: "leader" | "vip"): TimelineData["markers"] {
  const markers: TimelineData["markers"] = [];
  let last: string | undefined;
  for (const { at, state } of states(history, kind)) {
    // The first answer is the initial state (shown in the header), not a change.
    if (state !== last && last !== undefined) {
      markers.push({ at: (at - history.startedAt) / 1000, kind, label: `${kind === "leader" ? "leader" : "VIP"}: ${state}` });
    }
    last = state;
  }
  return markers;
}

function probeSeries(history: History): TimelineData["probeSeries"] {
  const series = <Name extends ProbeName>(name: string, probe: Name, measure: (value: ProbeAnswers[Name]) => number) => ({
    name,
    points: answersOf(history.probes, probe).map((sample): [number, number] => [(sample.at - history.startedAt) / 1000, measure(sample.value)]),
  });
  /** How many nodes answered `wanted` in a per-node answer ({ odoo1: true, odoo2: false }). */
  const nodesWith = (wanted: unknown) => (value: Record<string, unknown>) => Object.entries(value).filter(([key, entry]) => key !== "tookMs" && entry === wanted).length;
  return [
    series("writable primaries", "writable-primaries", (value) => value.writable.length),
    series("VIP holders", "vip-holders", (value) => value.holders.length),
    series("healthy app nodes", "odoo-health", nodesWith(true)),
    series("filestore ok", "storage", nodesWith("ok")),
    ...cronBacklogSeries(history),
  ].filter((entry) => entry.points.length > 0);
}

/** With a cron backlog: its runs per second and the cron workers at work, per 5 s, from the final read-back. */
function cronBacklogSeries(history: History): TimelineData["probeSeries"] {
  const backlog = history.cronBacklog;
  if (!backlog || !history.finalState) return [];
  const bucketMs = 5_000;
  const buckets = new Map<number, { runs: number; workers: Set<string> }>();
  for (const run of history.finalState.cronRuns) {
    if (!run.job.startsWith(backlog.prefix)) continue;
    const start = Math.floor((run.at - history.startedAt) / bucketMs) * bucketMs;
    const bucket = buckets.get(start) ?? { runs: 0, workers: new Set<string>() };
    bucket.runs++;
    if (run.worker) bucket.workers.add(run.worker);
    buckets.set(start, bucket);
  }
  const starts = [...buckets.keys()].sort((a, b) => a - b);
  return [
    { name: "cron runs/s (backlog)", points: starts.map((start): [number, number] => [start / 1000, buckets.get(start)!.runs / (bucketMs / 1000)]) },
    { name: "cron workers at work", points: starts.map((start): [number, number] => [start / 1000, buckets.get(start)!.workers.size]) },
  ];
}
