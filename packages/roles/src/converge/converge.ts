import { ROLE_MODULES } from "../role-modules/index.ts";
import type { ConvergeStep } from "../role-modules/role-module.ts";
import type { ConvergeContext } from "./context.ts";

/**
 * Puts steps in an order where each comes after the steps it names in `after`, otherwise keeping
 * the order given. Refuses a step that names one nobody declared, two steps of one name, and steps
 * that wait for each other: each would leave `up` waiting forever.
 */
export function orderSteps<Step extends ConvergeStep>(steps: readonly Step[]): Step[] {
  const byName = new Map<string, Step>();
  for (const step of steps) {
    if (byName.has(step.name)) throw new Error(`two converge steps are named '${step.name}'`);
    byName.set(step.name, step);
  }
  for (const step of steps) {
    const unknown = step.after.filter((name) => !byName.has(name));
    if (unknown.length) throw new Error(`converge step '${step.name}' waits for ${unknown.map((name) => `'${name}'`).join(", ")}, which no role declares (steps: ${[...byName.keys()].join(", ")})`);
  }
  const ordered: Step[] = [];
  const placed = new Set<string>();
  while (ordered.length < steps.length) {
    const ready = steps.find((step) => !placed.has(step.name) && step.after.every((name) => placed.has(name)));
    if (!ready) {
      const stuck = steps.filter((step) => !placed.has(step.name)).map((step) => `${step.name} (after ${step.after.join(", ")})`);
      throw new Error(`converge steps wait for each other in a circle: ${stuck.join("; ")}`);
    }
    ordered.push(ready);
    placed.add(ready.name);
  }
  return ordered;
}

/**
 * The steps every target runs, from the role modules, each once the steps it needs are done, side
 * by side otherwise: PostgreSQL needs etcd (Patroni's lock), and its replicas catch up while the rest
 * goes on; the filestore and HAProxy need nothing of the others (HAProxy's checks find the backends
 * when they come), keepalived follows its node's HAProxy; Odoo's files need the filestore to mount;
 * the Odoo servers need a writable database through the VIP's read-write listener.
 */
export const STAGES: readonly ConvergeStep[] = orderSteps(ROLE_MODULES.flatMap((role) => role.steps));

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

/**
 * Runs each stage once the stages it names in `after` are done (listed before it), side by side
 * otherwise. Every stage settles (none is cut off half way), then the first failure in the list's
 * order is the answer; a stage whose dependency failed does not begin.
 */
export async function runStages(stages: readonly ConvergeStep[], context: ConvergeContext): Promise<void> {
  const done = new Map<string, Promise<void>>();
  const failed = new Map<string, ConvergeError>();
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
