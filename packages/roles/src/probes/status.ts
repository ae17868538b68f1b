import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import { serviceStatesOf, type Host, type ServiceState } from "@odoo-ha-lab/machine";
import { planServices } from "../role-modules/index.ts";
import { PATHS, PORTS } from "../render/paths.ts";
import { readPatroniCluster, type PatroniMember } from "../role-modules/postgresql/probe.ts";
import { findVipHolders } from "../role-modules/keepalived/probe.ts";
import { webPathStatus, type WebPathStatus } from "../role-modules/odoo/web-path.ts";

/** What `lab status` shows: each answer comes from the node itself, through the same host interface. */
export interface LabStatus {
  lab: string;
  vip: { address: string; holders: string[] };
  services: { node: string; service: string; state: ServiceState }[];
  patroni: PatroniMember[];
  haproxy: { balancer: string; backend: string; server: string; status: string }[];
  storage: { node: string; mounted: boolean; responsive: boolean }[];
  odoo: { node: string; healthy: boolean; detail: string }[];
  /** Odoo through the VIP, as users reach it (undefined when not asked). */
  web?: WebPathStatus;
}

export type StatusPart = "vip" | "services" | "patroni" | "haproxy" | "storage" | "odoo" | "web";
const ALL_PARTS: StatusPart[] = ["vip", "services", "patroni", "haproxy", "storage", "odoo", "web"];

/** Asks the nodes; `parts` limits the questions (a part not asked comes back empty). */
export async function collectStatus(topology: Topology, hosts: ReadonlyMap<string, Host>, parts: StatusPart[] = ALL_PARTS): Promise<LabStatus> {
  const reachable = (name: string) => hosts.get(name);
  const ask = <T>(part: StatusPart, question: () => Promise<T[]>): Promise<T[]> => (parts.includes(part) ? question() : Promise.resolve([]));
  const appNodes = nodesWithRole(topology, "odoo");
  const [holders, services, patroni, haproxy, storage, odoo, web] = await Promise.all([
    ask("vip", () => findVipHolders(topology, hosts)),
    ask("services", () => serviceStates(topology, hosts)),
    ask("patroni", () => patroniView(topology, hosts)),
    ask("haproxy", () => haproxyView(topology, hosts)),
    ask("storage", () => Promise.all(appNodes.map(async (node) => storageView(node.name, reachable(node.name))))),
    ask("odoo", () => Promise.all(appNodes.filter((node) => node.odoo?.http).map(async (node) => odooView(node.name, reachable(node.name))))),
    ask("web", async () => [await webPathStatus(topology, hosts)]),
  ]);
  return { lab: topology.name, vip: { address: topology.vip.address, holders }, services, patroni, haproxy, storage, odoo, ...(web[0] ? { web: web[0] } : {}) };
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

async function haproxyView(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<LabStatus["haproxy"]> {
  const rows = await Promise.all(
    nodesWithRole(topology, "haproxy").map(async (node) => {
      const host = hosts.get(node.name);
      const result = host ? await host.exec(["curl", "-sf", "--max-time", "2", `http://127.0.0.1:${PORTS.haproxyStats}/;csv`], { timeoutMs: 2_000 + host.silentAfterMs }).catch(() => undefined) : undefined;
      if (!result || result.exitCode !== 0) return [{ balancer: node.name, backend: "*", server: "*", status: "HAPROXY DOWN" }];
      return parseHaproxyCsv(result.stdout).map((row) => ({ balancer: node.name, ...row }));
    }),
  );
  return rows.flat();
}

/** One server of HAProxy's stats; `sessions` (`scur`, requests in flight) when the CSV has that column. */
export interface HaproxyServerStat {
  backend: string;
  server: string;
  status: string;
  sessions?: number;
}

/** HAProxy's CSV stats (the stats page's `;csv`, the admin socket's `show stat`): real servers only. */
export function parseHaproxyCsv(csv: string): HaproxyServerStat[] {
  const [header, ...lines] = csv.trim().split("\n");
  const columns = (header ?? "").replace(/^# /, "").split(",");
  const statusIndex = columns.indexOf("status");
  const sessionsIndex = columns.indexOf("scur");
  return lines
    .map((line) => line.split(","))
    .filter(([proxy, server]) => proxy !== "stats" && server !== "FRONTEND" && server !== "BACKEND")
    .map((fields) => ({
      backend: fields[0] ?? "",
      server: fields[1] ?? "",
      status: fields[statusIndex] ?? "",
      ...(sessionsIndex >= 0 ? { sessions: Number(fields[sessionsIndex]) } : {}),
    }));
}

async function storageView(node: string, host: Host | undefined): Promise<LabStatus["storage"][number]> {
  if (!host) return { node, mounted: false, responsive: false };
  const mounted = (await host.exec(["mountpoint", "-q", PATHS.odooDataDir], { timeoutMs: host.silentAfterMs }).catch(() => undefined))?.exitCode === 0;
  // A dead brick answers ENOTCONN at once; a hung one stalls: bound the probe in time.
  const responsive = mounted && (await host.exec(["timeout", "3", "stat", "-t", `${PATHS.odooDataDir}/.`], { timeoutMs: 3_000 + host.silentAfterMs }).catch(() => undefined))?.exitCode === 0;
  return { node, mounted, responsive };
}

async function odooView(node: string, host: Host | undefined): Promise<LabStatus["odoo"][number]> {
  if (!host) return { node, healthy: false, detail: "no host" };
  const result = await host.exec(["curl", "-s", "--max-time", "3", `http://127.0.0.1:${PORTS.odooHttp}/web/health`], { timeoutMs: 3_000 + host.silentAfterMs }).catch(() => undefined);
  const healthy = result?.exitCode === 0 && result.stdout.includes('"pass"');
  return { node, healthy, detail: result ? result.stdout.trim().slice(0, 80) || `curl exit ${result.exitCode}` : "exec failed" };
}
