import { OdooClient } from "../odoo/odoo-client.ts";
import { odooAdminCredentials, PORTS, type LabSecrets } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { FinalRead, FinalState, Operation, ServerLogLine } from "../history.ts";
import { labEndpoints, odooDatabaseCredentials } from "../lab-endpoints.ts";
import { withSqlConnection } from "../workload/sql-connection.ts";
import { readBackThroughAppNode } from "./app-node-read-back.ts";
import { readBackAttachmentRows, readBackPartners, readBackSqlWrites, readCronRuns } from "./database-read-back.ts";
import { readServerLog } from "./server-log.ts";
import { writeTargets } from "./write-targets.ts";

export interface VerifyFinalStateOptions {
  topology: Topology;
  secrets: LabSecrets;
  /** The run's operations: every acknowledged (and indeterminate) write is read back. */
  operations: readonly Operation[];
  /** How long to wait for exactly one writable primary after the heal (default 60 s). */
  primaryTimeoutMs?: number;
  /** How long to wait for /web/health on every app node before reading through it (default 60 s). */
  appNodeTimeoutMs?: number;
  /** Bound on each read-back call (default 15 s). */
  timeoutMs?: number;
  /** Cron runs are collected from this instant (default: the first operation's). */
  since?: number;
}

/**
 * After the method and the heal: reads back every acknowledged write through every path that must
 * show it — SQL ids, partners and attachment rows on the primary (asked on the node directly), and
 * partners and attachment bytes through each app node directly (odoo1:8069, odoo2:8069). Nothing
 * here judges: the checkers do, from the returned FinalState.
 */
export async function verifyFinalState(options: VerifyFinalStateOptions): Promise<FinalState> {
  const endpoints = labEndpoints(options.topology);
  const credentials = odooDatabaseCredentials(options.secrets);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const errors: string[] = [];
  const reads: FinalRead[] = [];
  const sqlTargets = writeTargets(options.operations, "sql.write");
  const partnerTargets = writeTargets(options.operations, "odoo.partner.write");
  const attachmentTargets = writeTargets(options.operations, "odoo.attachment.upload");
  // The run's window: cron runs and Odoo's log lines are read from here.
  const since = options.since ?? Math.min(...options.operations.map((op) => op.invokedAt), Date.now());

  const primary = await findSinglePrimary(endpoints.postgresNodes, credentials, options.primaryTimeoutMs ?? 60_000).catch((error: unknown) => {
    errors.push(`no single writable primary to read from: ${(error as Error).message}`);
    return undefined;
  });
  let cronRuns: FinalState["cronRuns"] = [];
  const databaseTargets = [...sqlTargets, ...partnerTargets, ...attachmentTargets];
  if (primary) {
    try {
      await withSqlConnection({ host: primary.address, port: PORTS.postgres, database: endpoints.database, ...credentials }, timeoutMs, async (client) => {
        reads.push(...(await readBackSqlWrites(client, sqlTargets, primary.name)));
        reads.push(...(await readBackPartners(client, partnerTargets, primary.name)));
        reads.push(...(await readBackAttachmentRows(client, attachmentTargets, primary.name)));
        cronRuns = await readCronRuns(client, since);
      });
    } catch (error) {
      errors.push(`reading back on the primary ${primary.name} failed: ${(error as Error).message}`);
    }
  }
  const logDatabase = options.topology.odoo.logDatabase;
  let serverLog: ServerLogLine[] | undefined;
  if (logDatabase && primary) {
    try {
      serverLog = await withSqlConnection({ host: primary.address, port: PORTS.postgres, database: logDatabase.name, ...credentials }, timeoutMs, (client) => readServerLog(client, since));
    } catch (error) {
      errors.push(`reading Odoo's log database '${logDatabase.name}' on ${primary.name} failed: ${(error as Error).message}`);
    }
  }
  const readByDatabase = new Set(reads.map((read) => read.opId));
  for (const t of databaseTargets) {
    if (!readByDatabase.has(t.op.id)) reads.push({ opId: t.op.id, kind: t.op.kind, key: t.key, path: "database", via: primary?.name ?? "none", status: "unreadable", detail: errors.at(-1) ?? "not read" });
  }

  // A node restarted by the heal may still be mounting its filestore or starting: give it the same
  // bounded chance a load balancer would (its health check), then read whatever it answers.
  const unhealthy = await waitForAppNodes(endpoints.appNodes, endpoints.database, options.appNodeTimeoutMs ?? 60_000);
  if (unhealthy) errors.push(unhealthy);
  const { login, password } = odooAdminCredentials(options.secrets);
  const appReads = await Promise.all(
    endpoints.appNodes.map((node) => readBackThroughAppNode(node, partnerTargets, attachmentTargets, { db: endpoints.database, login, password, timeoutMs })),
  );
  for (const result of appReads) {
    reads.push(...result.reads);
    if (result.error) errors.push(result.error);
  }
  return { checkedAt: Date.now(), primary: primary?.name, appNodes: endpoints.appNodes.map((node) => node.name), reads, cronRuns, errors, ...(serverLog ? { serverLog } : {}) };
}

/** Waits until every app node passes /web/health; returns what was wrong if some never did. */
async function waitForAppNodes(nodes: { name: string; url: string }[], db: string, timeoutMs: number): Promise<string | undefined> {
  try {
    await waitFor(
      "every app node to pass /web/health",
      async () => {
        const health = await Promise.all(nodes.map(async (node) => ({ node: node.name, healthy: await new OdooClient({ url: node.url, db, timeoutMs: 3000 }).health() })));
        const sick = health.filter((entry) => !entry.healthy).map((entry) => entry.node);
        return sick.length === 0 ? { done: true, value: undefined } : { done: false, observation: `not healthy: ${sick.join(", ")}` };
      },
      { timeoutMs, intervalMs: 500 },
    );
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Waits until exactly one PostgreSQL node accepts writes, asked on each node directly. */
async function findSinglePrimary(
  nodes: { name: string; address: string }[],
  credentials: { user: string; password: string },
  timeoutMs: number,
): Promise<{ name: string; address: string }> {
  return waitFor(
    "exactly one PostgreSQL node accepting writes",
    async () => {
      const states = await Promise.all(
        nodes.map(async (node) => {
          const writable = await withSqlConnection({ host: node.address, port: PORTS.postgres, database: "postgres", ...credentials }, 3000, async (client) => {
            const row = (await client.query<{ writable: boolean }>("SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable")).rows[0];
            return row?.writable === true;
          }).catch(() => undefined);
          return { node, writable };
        }),
      );
      const writable = states.filter((state) => state.writable === true);
      if (writable.length === 1) return { done: true, value: writable[0]!.node };
      return { done: false, observation: states.map((state) => `${state.node.name}: ${state.writable === undefined ? "unreachable" : state.writable ? "writable" : "read-only"}`).join(", ") };
    },
    { timeoutMs, intervalMs: 500 },
  );
}
