#!/usr/bin/env -S npx tsx
import { TopologyError } from "@odoo-ha-lab/topology";
import { downCommand } from "./commands/down.ts";
import { execCommand } from "./commands/exec.ts";
import { gateCommand } from "./commands/gate.ts";
import { healCommand } from "./commands/heal.ts";
import { inventoryCommand } from "./commands/inventory.ts";
import { logsCommand } from "./commands/logs.ts";
import { runCommand } from "./commands/run.ts";
import { scenarioCommand } from "./commands/scenario.ts";
import { scenariosCommand } from "./commands/scenarios.ts";
import { setupCommand } from "./commands/setup.ts";
import { statusCommand } from "./commands/status.ts";
import { topologyCommand } from "./commands/topology.ts";
import { upCommand } from "./commands/up.ts";
import { vagrantCommand } from "./commands/vagrant.ts";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  setup: { run: setupCommand, summary: "install/start the Docker engine if missing and build the lab images" },
  up: { run: upCommand, summary: "bring the lab up (idempotent) and print its endpoints" },
  down: { run: downCommand, summary: "remove every container, network and volume of the lab (ssh: stop its services; --purge: remove its data)" },
  status: { run: statusCommand, summary: "nodes, services, Patroni, VIP, HAProxy, storage, Odoo (--json)" },
  logs: { run: logsCommand, summary: "logs <node> [service] [-n lines]" },
  exec: { run: execCommand, summary: "exec <node> -- <command...>" },
  run: { run: runCommand, summary: "run <scenario> [--repeat N] [--json]: a chaos scenario with its budgets" },
  gate: { run: gateCommand, summary: "gate [scenario...] [--repeat N] [--junit FILE]: the release suite, non-zero on any miss" },
  heal: { run: healCommand, summary: "undo every fault still injected (after a crash)" },
  scenarios: { run: scenariosCommand, summary: "list the chaos scenarios with one-line descriptions" },
  scenario: { run: scenarioCommand, summary: "scenario validate <scenario|file…>: check scenarios against their topology without running them" },
  topology: { run: topologyCommand, summary: "topology show|validate|graph [--format mermaid|dot]" },
  inventory: { run: inventoryCommand, summary: "inventory validate <file>: an SSH inventory checked against the topology, no host contacted" },
  vagrant: { run: vagrantCommand, summary: "vagrant init|ssh-config|status|destroy: the lab's Vagrant VMs (then: up --target vagrant)" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return [
    "usage: pnpm lab <command> [options]",
    "",
    ...lines,
    "",
    "options: -t/--topology FILE (default labs/odoo-ha/topology.yaml), --name NAME, --subnet CIDR, --odoo-image IMAGE, --json,",
    "         --target docker|ssh (default docker), --inventory FILE (ssh: the machines; see docs/ssh-target.md), up --check (ssh)",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

/**
 * Exits once what was written to stdout and stderr has left the process: writes to a pipe are
 * asynchronous, and an exit at once cut a long refusal at 64 KiB, the fix line with it.
 */
function exitWhenWritten(code: number): void {
  let pending = 2;
  const written = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", written);
  process.stderr.write("", written);
}

main(process.argv.slice(2)).then(exitWhenWritten, (error: Error) => {
  if (error instanceof TopologyError) console.error(error.message);
  else console.error(`lab: ${error.message}`);
  if (process.env.LAB_DEBUG && error.stack) console.error(error.stack);
  exitWhenWritten(1);
});
