import type { Host } from "@odoo-ha-lab/machine";
import { PATHS, PORTS } from "../../render/paths.ts";

/** Patroni's own view of the cluster (GET /cluster): what load balancers and humans ask. */
export interface PatroniMember {
  name: string;
  role: "leader" | "replica" | "sync_standby" | "quorum_standby" | "standby_leader" | string;
  state: string;
  timeline: number | undefined;
  /** Bytes behind the leader; undefined when Patroni cannot tell. */
  lagBytes: number | undefined;
}

/**
 * A replica a commit may wait for, and so one Patroni may promote without losing an acknowledged
 * write: the synchronous standby, or in quorum mode (Patroni 4) any quorum standby.
 */
export function isSynchronousStandby(member: Pick<PatroniMember, "role">): boolean {
  return member.role === "sync_standby" || member.role === "quorum_standby";
}

export interface PatroniCluster {
  members: PatroniMember[];
}

interface RawMember {
  name: string;
  role: string;
  state: string;
  timeline?: number;
  lag?: number | string;
}

/** The user of Patroni's REST API for its unsafe endpoints (switchover, restart); its password is the lab's patroniRestPassword. */
export const PATRONI_REST_USER = "patroni";

/**
 * patronictl with the node's patroni.yml, whose REST credentials it reads: run it as the postgres
 * user, the only one that may read that file.
 */
export function patronictl(...args: string[]): string[] {
  return ["patronictl", "-c", PATHS.patroniConfig, ...args];
}

/** Asked on the node itself, as HAProxy's checks ask it (curl bounds the REST call to 2 s). */
export const PATRONI_CLUSTER_URL = `http://127.0.0.1:${PORTS.patroniRest}/cluster`;
export const PATRONI_CLUSTER_SECONDS = 2;
export const PATRONI_CLUSTER_COMMAND = ["curl", "-sf", "--max-time", String(PATRONI_CLUSTER_SECONDS), PATRONI_CLUSTER_URL];

export async function readPatroniCluster(host: Host): Promise<PatroniCluster> {
  // Bounded as curl is: over SSH a powered-off node stays silent instead of refusing.
  const result = await host.exec(PATRONI_CLUSTER_COMMAND, { timeoutMs: PATRONI_CLUSTER_SECONDS * 1000 + host.silentAfterMs });
  if (result.exitCode !== 0) throw new Error(`Patroni REST API on ${host.node} does not answer (curl exit ${result.exitCode})`);
  return parsePatroniCluster(result.stdout);
}

/** GET /cluster's JSON, as PATRONI_CLUSTER_COMMAND prints it. */
export function parsePatroniCluster(json: string): PatroniCluster {
  const raw = JSON.parse(json) as { members?: RawMember[] };
  return {
    members: (raw.members ?? []).map((member) => ({
      name: member.name,
      role: member.role,
      state: member.state,
      timeline: member.timeline,
      lagBytes: member.role === "leader" ? 0 : typeof member.lag === "number" ? member.lag : undefined,
    })),
  };
}
