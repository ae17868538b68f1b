import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Host } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { ProbeAnswers, ProbeFailure, ProbeName, ProbeSample } from "../history.ts";
import { labEndpoints } from "../lab-endpoints.ts";
import { probeAlerts } from "./alerts-probe.ts";
import { probeCronRuns } from "./cron-runs-probe.ts";
import { KeptSqlSessions } from "./kept-sql-sessions.ts";
import { ALERTS_INTERVAL_MS, checksByNode, createNodeWatches } from "./node-checks.ts";
import type { NodeWatch } from "./node-watch.ts";
import { probeOdooHealth } from "./odoo-health-probe.ts";
import { probePatroniLeader } from "./patroni-leader-probe.ts";
import type { Probe, ProbeContext } from "./probe-context.ts";
import { probeStorage } from "./storage-probe.ts";
import { probeVipHolders } from "./vip-holders-probe.ts";
import { probeWritablePrimaries } from "./writable-primaries-probe.ts";
import { WatchedHost } from "./watched-host.ts";

export const PROBES: { [Name in ProbeName]: Probe<Name> } = {
  "patroni-leader": probePatroniLeader,
  "writable-primaries": probeWritablePrimaries,
  "vip-holders": probeVipHolders,
  storage: probeStorage,
  "odoo-health": probeOdooHealth,
  "cron-runs": probeCronRuns,
  alerts: probeAlerts,
};

export interface ProbeSamplerOptions {
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  secrets: LabSecrets;
  /** Sampling interval of every probe (default 250 ms), unless `intervals` says otherwise. */
  intervalMs?: number;
  /** Per-probe intervals; by default cron-runs (cron slots are minutes) and alerts (Prometheus evaluates once a second) sample once a second. */
  intervals?: Partial<Record<ProbeName, number>>;
  /** Which probes run (default all). */
  probes?: ProbeName[];
  /** Bound on each sample (default 1500 ms): a slower answer is recorded as an error. */
  timeoutMs?: number;
  /** Sampling stops by itself after this long (default 10 minutes). */
  maxDurationMs?: number;
}

/**
 * Runs every probe at fixed instants alongside the workload. A probe whose previous sample is still
 * running skips the instant rather than piling up: probes observe the lab, they must not load it.
 */
export class ProbeSampler {
  private readonly samples: ProbeSample[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly context: ProbeContext;
  private readonly watches: Map<string, NodeWatch>;
  private running = false;
  private skipped = 0;

  constructor(private readonly options: ProbeSamplerOptions) {
    const endpoints = labEndpoints(options.topology);
    const timeoutMs = options.timeoutMs ?? 1500;
    const probes = options.probes ?? (Object.keys(PROBES) as ProbeName[]);
    this.watches = createNodeWatches(options.hosts, checksByNode(options.topology, endpoints, probes), {
      intervalMs: options.intervalMs ?? 250,
      maxDurationMs: options.maxDurationMs ?? 600_000,
      statSeconds: Math.max(1, Math.floor(timeoutMs / 1000)),
    });
    this.context = { topology: options.topology, hosts: options.hosts, secrets: options.secrets, endpoints, watches: this.watches, sqlSessions: new KeptSqlSessions(), timeoutMs };
  }

  /**
   * The lab's nodes for the rest of the run to ask while the sampler runs: what a node's watch
   * samples anyway is answered from its samples (WatchedHost), without an exec of its own.
   */
  watchedHosts(): ReadonlyMap<string, Host> {
    return new Map([...this.options.hosts].map(([node, host]) => {
      const watch = this.watches.get(node);
      return [node, watch ? new WatchedHost(host, watch) : host];
    }));
  }

  /** Instants skipped because the probe's previous sample was still running. */
  get skippedInstants(): number {
    return this.skipped;
  }

  start(): void {
    if (this.running) throw new Error("ProbeSampler.start() called twice");
    this.running = true;
    const startedAt = Date.now();
    const endAt = startedAt + (this.options.maxDurationMs ?? 600_000);
    for (const watch of this.watches.values()) watch.start();
    const names = this.options.probes ?? (Object.keys(PROBES) as ProbeName[]);
    for (const name of names) {
      const interval = this.options.intervals?.[name] ?? (name === "cron-runs" ? 1000 : name === "alerts" ? ALERTS_INTERVAL_MS : (this.options.intervalMs ?? 250));
      this.loop(name, startedAt, interval, endAt);
    }
  }

  /** Once every node's watch has answered (or `withinMs` passed): the checks run before the load starts. */
  async ready(withinMs: number): Promise<void> {
    await Promise.all([...this.watches.values()].map((watch) => watch.next(withinMs)));
  }

  async stop(): Promise<ProbeSample[]> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await Promise.all([...this.watches.values()].map((watch) => watch.stop()));
    await this.context.sqlSessions.close();
    return [...this.samples].sort((a, b) => a.at - b.at);
  }

  private loop(name: ProbeName, at: number, interval: number, endAt: number): void {
    let busy = false;
    const tick = (instant: number) => {
      if (!this.running || instant >= endAt) return;
      if (busy) this.skipped++;
      else {
        busy = true;
        const sample = this.sample(name, instant).finally(() => {
          busy = false;
          this.pending.delete(sample);
        });
        this.pending.add(sample);
      }
      // The next instant on the fixed grid, skipping any that already passed.
      const next = instant + interval * Math.max(1, Math.ceil((Date.now() - instant) / interval));
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        tick(next);
      }, Math.max(0, next - Date.now()));
      this.timers.add(timer);
    };
    tick(at);
  }

  private async sample(name: ProbeName, at: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<ProbeFailure>((resolve) => {
      // A little slack over the per-node timeouts inside the probe, so they report first.
      timer = setTimeout(() => resolve({ error: `probe did not answer within ${this.context.timeoutMs + 500} ms` }), this.context.timeoutMs + 500);
    });
    const probe = PROBES[name] as Probe<ProbeName>;
    const value: ProbeAnswers[ProbeName] | ProbeFailure = await Promise.race([probe(this.context).catch((error: unknown): ProbeFailure => ({ error: (error as Error).message })), deadline]);
    clearTimeout(timer);
    // Stamped when the answer is known: a node that died while being asked is seen dead only then.
    // The sample observed the lab during the preceding tookMs.
    const answeredAt = Date.now();
    this.samples.push({ probe: name, at: answeredAt, value: { ...value, tookMs: answeredAt - at } } as ProbeSample);
  }
}
