import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import { PORTS } from "../../render/paths.ts";

/** Each balancer's view of its backends (its stats page, asked on the node). */
export async function haproxyBackends(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<{ balancer: string; backend: string; server: string; status: string }[]> {
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
