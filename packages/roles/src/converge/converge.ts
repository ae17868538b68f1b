import { convergeEtcd } from "./etcd-stage.ts";
import { convergeFilestore } from "./filestore-stage.ts";
import { convergeLoadBalancers } from "./loadbalancer-stage.ts";
import { convergeOdoo, convergeOdooFiles } from "./odoo-stage.ts";
import { convergePostgresql, convergeReplication } from "./postgresql-stage.ts";
import type { ConvergeContext } from "./context.ts";

/**
 * The stages every target runs, each once the stages it needs are done, side by side otherwise:
 * PostgreSQL needs etcd (Patroni's lock), and its replicas catch up while the rest goes on; the
 * filestore and the load balancers need nothing of the others (HAProxy's checks find the backends
 * when they come); Odoo's files need the filestore to mount; the Odoo servers need a writable
 * database through the VIP's read-write listener.
 */
export const STAGES = [
  { name: "etcd", after: [], run: convergeEtcd },
  { name: "postgresql", after: ["etcd"], run: convergePostgresql },
  { name: "replication", after: ["postgresql"], run: convergeReplication },
  { name: "filestore", after: [], run: convergeFilestore },
  { name: "loadbalancer", after: [], run: convergeLoadBalancers },
  { name: "odoo-files", after: ["filestore"], run: convergeOdooFiles },
  { name: "odoo", after: ["postgresql", "odoo-files", "loadbalancer"], run: convergeOdoo },
] as const;

export type StageName = (typeof STAGES)[number]["name"];

export class ConvergeError extends Error {
  constructor(
    readonly stage: string,
    cause: Error,
  ) {
    super(`stage '${stage}' failed: ${cause.message}`, { cause });
    this.name = "ConvergeError";
  }
}

export function converge(context: ConvergeContext): Promise<void> {
  return runStages(STAGES, context);
}

export interface Stage<Name extends string = string> {
  name: Name;
  after: readonly Name[];
  run(context: ConvergeContext): Promise<void>;
}

/**
 * Runs each stage once the stages it names in `after` are done (listed before it), side by side
 * otherwise. Every stage settles (none is cut off half way), then the first failure in the list's
 * order is the answer; a stage whose dependency failed does not begin.
 */
export async function runStages<Name extends string>(stages: readonly Stage<Name>[], context: ConvergeContext): Promise<void> {
  const done = new Map<Name, Promise<void>>();
  const failed = new Map<Name, ConvergeError>();
  for (const stage of stages) {
    const running = (async () => {
      const needed = await Promise.allSettled(stage.after.map((name) => done.get(name)));
      if (needed.some((outcome) => outcome.status === "rejected")) throw new Error(`not begun: ${stage.after.filter((name) => failed.has(name)).join(", ")} failed`);
      context.progress({ stage: stage.name, message: "begin" });
      try {
        await stage.run(context);
      } catch (error) {
        const failure = new ConvergeError(stage.name, error as Error);
        failed.set(stage.name, failure);
        throw failure;
      }
    })();
    running.catch(() => undefined); // judged below, once every stage settled
    done.set(stage.name, running);
  }
  await Promise.allSettled(done.values());
  const first = stages.find((stage) => failed.has(stage.name));
  if (first) throw failed.get(first.name)!;
}
