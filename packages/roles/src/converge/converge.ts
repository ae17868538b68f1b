import { convergeEtcd } from "./etcd-stage.ts";
import { convergeFilestore } from "./filestore-stage.ts";
import { convergeLoadBalancers } from "./loadbalancer-stage.ts";
import { convergeOdoo } from "./odoo-stage.ts";
import { convergePostgresql } from "./postgresql-stage.ts";
import type { ConvergeContext } from "./context.ts";

/**
 * The order every target follows. The load balancers come before Odoo (unlike a plain "app then
 * proxy" order) because Odoo reaches its database through the VIP's read-write listener.
 */
export const STAGES = [
  { name: "etcd", run: convergeEtcd },
  { name: "postgresql", run: convergePostgresql },
  { name: "filestore", run: convergeFilestore },
  { name: "loadbalancer", run: convergeLoadBalancers },
  { name: "odoo", run: convergeOdoo },
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

export async function converge(context: ConvergeContext): Promise<void> {
  for (const stage of STAGES) {
    context.progress({ stage: stage.name, message: "begin" });
    try {
      await stage.run(context);
    } catch (error) {
      throw new ConvergeError(stage.name, error as Error);
    }
  }
}
