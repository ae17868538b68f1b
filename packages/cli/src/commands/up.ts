import { parseArgs } from "node:util";
import { prometheusAlertsPage, webUrl } from "@odoo-ha-lab/roles";
import { renderCheck } from "@odoo-ha-lab/ssh";
import { findNode, nodesWithRole, PORTS, type Topology } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { progressPrinter } from "../progress.ts";
import { loadOrCreateSecrets, secretsPath } from "../state.ts";
import { browserCheck } from "../browser-check.ts";
import { renderTable } from "../table.ts";
import { resolveTarget, type LabTarget } from "../targets/index.ts";

/** `lab up`: engine, images, machines, then the roles converge. Idempotent: a second run changes nothing. */
export async function upCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...LAB_OPTIONS, "keep-on-failure": { type: "boolean" }, quiet: { type: "boolean", short: "q" }, check: { type: "boolean" }, "skip-browser": { type: "boolean" }, browser: { type: "boolean" } },
  });
  const topology = resolveTopology(values);
  const target = resolveTarget(values, topology);
  if (values.check) return checkCommand(target, values.json);
  const progress = progressPrinter(values.quiet);
  const started = Date.now();
  const outcome = await target.up(progress, { keepOnFailure: values["keep-on-failure"] ?? false });
  // What a person sees, from this machine: on Docker it sits on the lab's network. Elsewhere the VIP
  // may be out of its reach, and the converge's own check (a login through the VIP) is the last word.
  // The browser check ends an `up` that built or changed something; on a running lab this `up` left
  // as it was, the converge's own login and call through the VIP are the check (`--browser` forces it).
  const unchanged = outcome.changed === false && !values.browser;
  if (unchanged && target.kind === "docker" && !values["skip-browser"]) progress({ stage: "browser", message: "lab unchanged: browser check skipped (--browser runs it)" });
  const browser = target.kind === "docker" && !values["skip-browser"] && !unchanged ? await browserCheck(topology, loadOrCreateSecrets(topology.name), progress) : undefined;
  const seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  const endpoints = labEndpoints(topology);
  if (values.json) {
    console.log(JSON.stringify({ lab: topology.name, seconds, endpoints, credentials: secretsPath(topology.name), ...(browser ? { browser } : {}), ...outcome.report.json }, null, 2));
    return browser?.ok === false ? 1 : 0;
  }
  if (browser && !browser.ok) {
    const failed = browser.steps.find((step) => !step.ok)!;
    console.error(`\nlab ${topology.name} is up, but a person in a browser does not get a whole page through the VIP: ${failed.step}: ${failed.seen}${failed.screenshot ? `\n  what they saw: ${failed.screenshot}` : ""}\nThe lab is kept for you to look at (pnpm lab status, pnpm lab logs odoo1 odoo); pnpm lab down removes it.`);
    return 1;
  }
  console.log(`\nlab ${topology.name} is up${outcome.where} (${seconds} s${outcome.detail})\n`);
  for (const line of outcome.report.lines) console.log(line);
  console.log(renderTable(["endpoint", "address"], endpoints.map((endpoint) => [endpoint.name, endpoint.url])));
  console.log(`\ncredentials: ${secretsPath(topology.name)}   (Odoo user 'admin', database '${topology.odoo.database}')`);
  console.log(`next: ${["pnpm lab status", target.commandArgs].filter(Boolean).join(" ")}`);
  return 0;
}

/** `up --check`: what `up` would change, without changing anything (ssh target). */
async function checkCommand(target: LabTarget, json = false): Promise<number> {
  if (!target.check) throw new Error(`--check is available with --target ssh only (the ${target.kind} target rebuilds what it checks)`);
  const checks = await target.check();
  if (json) console.log(JSON.stringify({ lab: target.topology.name, target: target.kind, changed: checks.some((check) => check.changed), nodes: checks }, null, 2));
  else process.stdout.write(renderCheck(checks));
  return 0;
}

/** What `up` prints for people: where to reach the lab. */
export function labEndpoints(topology: Topology): { name: string; url: string }[] {
  const vip = topology.vip.address;
  const { databaseReadWritePort, databaseReadOnlyPort } = topology.services;
  return [
    { name: "Odoo web (through the VIP)", url: `${webUrl(topology)}/` },
    { name: "PostgreSQL read-write (Patroni leader)", url: `postgresql://${vip}:${databaseReadWritePort}/${topology.odoo.database}` },
    { name: "PostgreSQL read-only (replicas)", url: `postgresql://${vip}:${databaseReadOnlyPort}/${topology.odoo.database}` },
    ...(topology.odoo.logDatabase ? [{ name: "Odoo's log (table ir_logging; pnpm lab logs --odoo-db)", url: `postgresql://${vip}:${databaseReadWritePort}/${topology.odoo.logDatabase.name}` }] : []),
    ...topology.vip.holders.map((holder) => ({ name: `HAProxy stats on ${holder}`, url: `http://${findNode(topology, holder).address}:${PORTS.haproxyStats}/` })),
    ...nodesWithRole(topology, "monitor").flatMap((monitor) => [
      { name: `Prometheus on ${monitor.name} (alerts: pnpm lab status)`, url: prometheusAlertsPage(monitor) },
      { name: `Alertmanager on ${monitor.name}`, url: `http://${monitor.address}:${PORTS.alertmanager}/` },
    ]),
  ];
}
