import type { Topology } from "./model.ts";
import { PORTS } from "./roles.ts";

/** Diagrams of the lab for people: Mermaid (renders on GitHub) and Graphviz DOT. */

interface Edge {
  from: string;
  to: string;
  label: string;
}

function edgesOf(topology: Topology): Edge[] {
  const edges: Edge[] = [];
  const withRole = (role: string) => topology.nodes.filter((node) => node.roles.includes(role as never));
  for (const lb of withRole("haproxy")) {
    for (const pg of withRole("postgresql")) edges.push({ from: lb.name, to: pg.name, label: pg.roles.includes("pgbouncer") ? `sql ${PORTS.pgbouncer} (pgbouncer, ${topology.pgbouncer.poolMode} pooling)` : `sql ${PORTS.postgres}` });
    for (const app of withRole("odoo").filter((node) => node.odoo?.http)) edges.push({ from: lb.name, to: app.name, label: `http ${PORTS.odooHttp}/${PORTS.odooRealtime}` });
  }
  for (const app of withRole("odoo")) {
    for (const storage of withRole("filestore-server")) edges.push({ from: app.name, to: storage.name, label: "glusterfs" });
  }
  for (const monitor of withRole("monitor")) {
    for (const lb of withRole("haproxy")) edges.push({ from: monitor.name, to: lb.name, label: `metrics ${PORTS.haproxyStats}` });
    for (const pg of withRole("postgresql")) edges.push({ from: monitor.name, to: pg.name, label: `metrics ${PORTS.patroniRest} (patroni)` });
    for (const member of withRole("etcd")) edges.push({ from: monitor.name, to: member.name, label: `metrics ${PORTS.etcdClient}` });
    for (const exporter of withRole("node-exporter")) edges.push({ from: monitor.name, to: exporter.name, label: `metrics ${PORTS.nodeExporter} (node)` });
  }
  const pgs = withRole("postgresql");
  for (const replica of pgs.slice(1)) edges.push({ from: pgs[0]!.name, to: replica.name, label: "streaming replication" });
  return edges;
}

export function toMermaid(topology: Topology): string {
  const lines = ["graph TD", `  vip(("VIP ${topology.vip.address}"))`];
  for (const node of topology.nodes) lines.push(`  ${safeId(node.name)}["${node.name}<br/>${node.address}<br/>${node.roles.join(", ")}"]`);
  for (const holder of topology.vip.holders) lines.push(`  vip -. vrrp .- ${safeId(holder)}`);
  for (const edge of edgesOf(topology)) lines.push(`  ${safeId(edge.from)} -->|${edge.label}| ${safeId(edge.to)}`);
  return lines.join("\n") + "\n";
}

export function toDot(topology: Topology): string {
  const lines = [`digraph "${topology.name}" {`, "  rankdir=TB;", `  vip [shape=doublecircle,label="VIP\\n${topology.vip.address}"];`];
  for (const node of topology.nodes) lines.push(`  "${node.name}" [shape=box,label="${node.name}\\n${node.address}\\n${node.roles.join(", ")}"];`);
  for (const holder of topology.vip.holders) lines.push(`  vip -> "${holder}" [style=dashed,label="vrrp",dir=none];`);
  for (const edge of edgesOf(topology)) lines.push(`  "${edge.from}" -> "${edge.to}" [label="${edge.label}"];`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function safeId(name: string): string {
  return name.replace(/-/g, "_");
}
