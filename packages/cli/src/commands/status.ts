import { parseArgs } from "node:util";
import { collectStatus, describeAlert, prometheusAlertsPage } from "@odoo-ha-lab/roles";
import { findNode } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { renderTable } from "../table.ts";
import { resolveTarget } from "../targets/index.ts";

/** `lab status`: containers, services, Patroni roles and lag, VIP holder, Odoo through the VIP, HAProxy backends, storage, Odoo per node. */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: LAB_OPTIONS });
  const topology = resolveTopology(values);
  const target = resolveTarget(values, topology);
  const machines = (await target.exists()) ? await target.machines() : [];
  if (machines.length === 0) {
    if (values.json) console.log(JSON.stringify({ lab: topology.name, running: false, ...target.machinesJson([]) }));
    else console.log(`lab ${topology.name} is not up. Start it with \`${["pnpm lab up", target.commandArgs].filter(Boolean).join(" ")}\`.`);
    return 1;
  }
  const running = new Set(machines.filter((machine) => machine.up).map((machine) => machine.node));
  const hosts = new Map([...(await target.hosts())].filter(([name]) => running.has(name)));
  const status = await collectStatus(topology, hosts);
  if (values.json) {
    console.log(JSON.stringify({ ...status, ...target.machinesJson(machines) }, null, 2));
    return 0;
  }
  const servicesOf = (node: string) => status.services.filter((row) => row.node === node).map((row) => `${row.service}:${row.state}`).join(" ");
  console.log(renderTable(["node", "address", target.machineLabel, "services"], topology.nodes.map((node) => [node.name, node.interfaces.map((own) => own.address).join(", "), machines.find((m) => m.node === node.name)?.state ?? "absent", servicesOf(node.name)])));
  console.log("\nPatroni");
  console.log(renderTable(["member", "role", "state", "timeline", "lag (bytes)"], status.patroni.map((m) => [m.name, m.role, m.state, m.timeline ?? "", m.lagBytes ?? "?"])));
  console.log(`\nVIP ${status.vip.address}: held by ${status.vip.holders.join(", ") || "NOBODY"}`);
  if (status.web) {
    const { web } = status;
    console.log(`Odoo through the VIP (${web.url}, asked from ${web.from ?? "-"}): ${web.answers ? `answers, ${web.detail}` : `DOES NOT ANSWER: ${web.detail}`}`);
  }
  console.log("\nHAProxy backends");
  console.log(renderTable(["balancer", "backend", "server", "status"], status.haproxy.map((row) => [row.balancer, row.backend, row.server, row.status])));
  console.log("\nStorage and Odoo");
  console.log(renderTable(["node", "filestore mounted", "responsive", "odoo health"], status.storage.map((row) => [row.node, String(row.mounted), String(row.responsive), status.odoo.find((o) => o.node === row.node)?.detail ?? "-"])));
  for (const view of status.monitors) {
    const url = prometheusAlertsPage(findNode(topology, view.monitor));
    if (!view.reachable) {
      console.log(`\nAlerts (${url}): PROMETHEUS DOES NOT ANSWER`);
      continue;
    }
    const down = view.targetsDown.length ? `; targets down: ${view.targetsDown.join(", ")}` : "";
    console.log(`\nAlerts (${url}): ${view.alerts.length ? `${view.alerts.length} pending or firing` : "none"}${down}`);
    if (view.alerts.length) console.log(renderTable(["alert", "state", "since", "summary"], view.alerts.map((alert) => [describeAlert(alert), alert.state, alert.activeAt, alert.summary])));
  }
  return 0;
}
