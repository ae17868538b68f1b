import { join } from "node:path";
import { parseArgs } from "node:util";
import { ChaosInjector, describeFault } from "@odoo-ha-lab/chaos";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { labStateDir, loadSecrets } from "../state.ts";
import { resolveTarget } from "../targets/index.ts";

/** `lab heal`: undoes every fault the journal says is still injected (after a crash or Ctrl-C). */
export async function healCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: LAB_OPTIONS });
  const topology = resolveTopology(values);
  const target = resolveTarget(values, topology);
  const injector = new ChaosInjector({
    topology,
    hosts: await target.hosts(),
    nodes: await target.nodeControl(),
    secrets: loadSecrets(topology.name),
    journalPath: join(labStateDir(topology.name), "faults.json"),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const healed = await injector.healAll();
  if (values.json) console.log(JSON.stringify({ lab: topology.name, healed }, null, 2));
  else console.log(healed.length ? `healed ${healed.length} fault(s): ${healed.map((record) => describeFault(record.spec)).join("; ")}` : `lab ${topology.name}: no fault to heal`);
  return 0;
}
