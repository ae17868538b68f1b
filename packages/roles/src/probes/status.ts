import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import { serviceStatesOf, type Host, type ServiceState } from "@odoo-ha-lab/machine";
import { planServices } from "../role-modules/index.ts";
import { haproxyBackends } from "../role-modules/haproxy/probe.ts";
import { filestoreStatus, odooServerHealth } from "../role-modules/odoo/probe.ts";
import { readPatroniCluster, type PatroniMember } from "../role-modules/postgresql/probe.ts";
import { findVipHolders } from "../role-modules/keepalived/probe.ts";
import { webPathStatus, type WebPathStatus } from "../role-modules/odoo/web-path.ts";
import { readMonitors, type MonitorView } from "../role-modules/monitor/probe.ts";

/** What `lab status` shows: each answer comes from the node itself, through the same host interface. */
export interface LabStatus {
  lab: string;
  vip: { address: string; holders: string[] };
  services: { node: string; service: string; state: ServiceState }[];
  patroni: PatroniMember[];
  haproxy: { balancer: string; backend: string; server: string; status: string }[];
  storage: { node: string; mounted: boolean; responsive: boolean }[];
  odoo: { node: string; healthy: boolean; detail: string }[];
  /** Each monitor node's Prometheus: its pending and firing alerts, its targets down. */
  monitors: MonitorView[];
  /** Odoo through the VIP, as users reach it (undefined when not asked). */
  web?: WebPathStatus;
}

export type StatusPart = "vip" | "services" | "patroni" | "haproxy" | "storage" | "odoo" | "web" | "alerts";
const ALL_PARTS: StatusPart[] = ["vip", "services", "patroni", "haproxy", "storage", "odoo", "web", "alerts"];

/** Asks the nodes; `parts` limits the questions (a part not asked comes back empty). */
export async function collectStatus(topology: Topology, hosts: ReadonlyMap<string, Host>, parts: StatusPart[] = ALL_PARTS): Promise<LabStatus> {
  const reachable = (name: string) => hosts.get(name);
  const ask = <T>(part: StatusPart, question: () => Promise<T[]>): Promise<T[]> => (parts.includes(part) ? question() : Promise.resolve([]));
  const appNodes = nodesWithRole(topology, "odoo");
  const [holders, services, patroni, haproxy, storage, odoo, web, monitors] = await Promise.all([
    ask("vip", () => findVipHolders(topology, hosts)),
    ask("services", () => serviceStates(topology, hosts)),
    ask("patroni", () => patroniView(topology, hosts)),
    ask("haproxy", () => haproxyBackends(topology, hosts)),
    ask("storage", () => Promise.all(appNodes.map(async (node) => filestoreStatus(node.name, reachable(node.name))))),
    ask("odoo", () => Promise.all(appNodes.filter((node) => node.odoo?.http).map(async (node) => odooServerHealth(node.name, reachable(node.name))))),
    ask("web", async () => [await webPathStatus(topology, hosts)]),
    ask("alerts", () => readMonitors(topology, hosts)),
  ]);
  return { lab: topology.name, vip: { address: topology.vip.address, holders }, services, patroni, haproxy, storage, odoo, monitors, ...(web[0] ? { web: web[0] } : {}) };
}

async function serviceStates(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<LabStatus["services"]> {
  const rows = await Promise.all(
    topology.nodes.map(async (node) => {
      const host = hosts.get(node.name);
      const names = planServices(node);
      const states = host ? await serviceStatesOf(host.services, names).catch((): ServiceState[] => names.map(() => "unknown")) : names.map((): ServiceState => "unknown");
      return names.map((service, index) => ({ node: node.name, service, state: states[index] ?? "unknown" }));
    }),
  );
  return rows.flat();
}

async function patroniView(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<PatroniMember[]> {
  for (const node of nodesWithRole(topology, "postgresql")) {
    const host = hosts.get(node.name);
    if (!host) continue;
    const cluster = await readPatroniCluster(host).catch(() => undefined);
    if (cluster) return cluster.members;
  }
  return [];
}
