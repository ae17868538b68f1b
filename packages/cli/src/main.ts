#!/usr/bin/env -S npx tsx
import { TopologyError } from "@odoo-ha-lab/topology";

type Command = (argv: string[]) => Promise<number>;

/**
 * A command's module is loaded when it runs: loading all of them (Docker, SSH, the browser, the
 * runner) took 0.5 s of every start, and `topology validate` needs none of it.
 */
function lazy<Name extends string>(load: () => Promise<Record<Name, Command>>, name: Name): Command {
  return async (argv) => (await load())[name](argv);
}

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  setup: { run: lazy(() => import("./commands/setup.ts"), "setupCommand"), summary: "install/start the Docker engine if missing and build the lab images" },
  up: { run: lazy(() => import("./commands/up.ts"), "upCommand"), summary: "bring the lab up (idempotent) and print its endpoints" },
  down: { run: lazy(() => import("./commands/down.ts"), "downCommand"), summary: "remove every container, network and volume of the lab (ssh: stop its services; --purge: remove its data)" },
  status: { run: lazy(() => import("./commands/status.ts"), "statusCommand"), summary: "nodes, services, Patroni, VIP, HAProxy, storage, Odoo (--json)" },
  logs: { run: lazy(() => import("./commands/logs.ts"), "logsCommand"), summary: "logs <node> [service] [-n lines] | logs --odoo-db [-n lines]" },
  exec: { run: lazy(() => import("./commands/exec.ts"), "execCommand"), summary: "exec <node> -- <command...>" },
  run: { run: lazy(() => import("./commands/run.ts"), "runCommand"), summary: "run <scenario> [--repeat N] [--json]: a chaos scenario with its budgets" },
  gate: { run: lazy(() => import("./commands/gate.ts"), "gateCommand"), summary: "gate [scenario...] [--repeat N] [--junit FILE]: the release suite, non-zero on any miss" },
  heal: { run: lazy(() => import("./commands/heal.ts"), "healCommand"), summary: "undo every fault still injected (after a crash)" },
  scenarios: { run: lazy(() => import("./commands/scenarios.ts"), "scenariosCommand"), summary: "list the chaos scenarios with one-line descriptions" },
  scenario: { run: lazy(() => import("./commands/scenario.ts"), "scenarioCommand"), summary: "scenario validate <scenario|file…>: check scenarios against their topology without running them" },
  topology: { run: lazy(() => import("./commands/topology.ts"), "topologyCommand"), summary: "topology show|validate|graph [--format mermaid|dot]" },
  inventory: { run: lazy(() => import("./commands/inventory.ts"), "inventoryCommand"), summary: "inventory validate <file>: an SSH inventory checked against the topology, no host contacted" },
  vagrant: { run: lazy(() => import("./commands/vagrant.ts"), "vagrantCommand"), summary: "vagrant init|ssh-config|status|destroy: the lab's Vagrant VMs (then: up --target vagrant)" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return [
    "usage: pnpm lab <command> [options]",
    "",
    ...lines,
    "",
    "options: -t/--topology FILE (default labs/odoo-ha/topology.yaml), --name NAME, --subnet CIDR, --odoo-image IMAGE, --release debian-12|debian-13, --json,",
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
