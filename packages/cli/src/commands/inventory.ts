import { parseArgs } from "node:util";
import { InventoryError, inventoryFileProblems, loadInventoryFile } from "@odoo-ha-lab/ssh";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";

/**
 * `lab inventory validate <file>`: an SSH inventory checked against the topology without contacting
 * any host: its shape, a machine for every node and no node on another's machine, hosts that are
 * addresses or names, paths ssh can take, and the key files there to read.
 */
export async function inventoryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: LAB_OPTIONS });
  const [action, file = values.inventory ?? process.env.LAB_INVENTORY] = positionals;
  if (action !== "validate" || !file) throw new Error("usage: lab inventory validate <inventory.yaml> [-t topology.yaml]   (see docs/ssh-target.md)");
  const topology = resolveTopology(values);
  const inventory = loadInventoryFile(file, topology);
  const problems = inventoryFileProblems(inventory);
  if (problems.length > 0) throw new InventoryError(file, problems);
  const machines = new Set(inventory.nodes.map((node) => `${node.host}:${node.port}`)).size;
  console.log(values.json ? JSON.stringify({ valid: true, lab: topology.name, nodes: inventory.nodes.length, machines }) : `${file}: valid for lab ${topology.name} (${inventory.nodes.length} nodes on ${machines} machines; no host was contacted)`);
  return 0;
}
