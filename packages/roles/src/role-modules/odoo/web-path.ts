import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import { odooRpcOnNode } from "./rpc-on-node.ts";

/**
 * The path a user takes: the VIP, a balancer, an app node, Odoo. Asked from an app node (it reaches
 * the VIP on every target; the machine running the CLI may not), with `common.version`, a real
 * JSON-RPC call that needs no login. Each node answering /web/health on its own port says nothing
 * about this path: a balancer that marks every app node down answers 503 to every user.
 */
export interface WebPathStatus {
  url: string;
  /** The app node the request was sent from. */
  from: string | undefined;
  answers: boolean;
  /** Odoo's server_version when it answers, else what went wrong. */
  detail: string;
}

export function webUrl(topology: Topology): string {
  const port = topology.services.webPort;
  return `http://${topology.vip.address}${port === 80 ? "" : `:${port}`}`;
}

export async function webPathStatus(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<WebPathStatus> {
  const url = webUrl(topology);
  const from = nodesWithRole(topology, "odoo").map((node) => hosts.get(node.name)).find((host) => host !== undefined);
  if (!from) return { url, from: undefined, answers: false, detail: "no app node to ask from" };
  const answer = await odooRpcOnNode(from, url, "common", "version", [], 5).catch((error: Error) => ({ ok: false as const, error: error.message }));
  if (!answer.ok) return { url, from: from.node, answers: false, detail: answer.error };
  const version = (answer.result as { server_version?: string } | undefined)?.server_version;
  return { url, from: from.node, answers: version !== undefined, detail: version ? `Odoo ${version}` : `unexpected answer ${JSON.stringify(answer.result).slice(0, 80)}` };
}
