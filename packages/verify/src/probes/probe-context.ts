import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Host } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { ProbeAnswers, ProbeName } from "../history.ts";
import type { LabEndpoints } from "../lab-endpoints.ts";
import type { KeptSqlSessions } from "./kept-sql-sessions.ts";
import type { NodeWatch } from "./node-watch.ts";

/** What every probe gets: the lab, its hosts (the roles' Host interface), credentials, and a time bound. */
export interface ProbeContext {
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  secrets: LabSecrets;
  endpoints: LabEndpoints;
  /** What the nodes answer about themselves (VIP, Patroni, filestore), one watch per node. */
  watches: ReadonlyMap<string, NodeWatch>;
  /** The database sessions the SQL probes keep between samples. */
  sqlSessions: KeptSqlSessions;
  /** Each probe answers within this bound; a node slower than it counts as unreachable. */
  timeoutMs: number;
}

/** A probe: one look at the lab, answered in its shape (history.ts's ProbeAnswers). */
export type Probe<Name extends ProbeName> = (context: ProbeContext) => Promise<ProbeAnswers[Name]>;
