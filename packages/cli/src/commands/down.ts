import { parseArgs } from "node:util";
import { DockerLab, ensureDockerEngine } from "@odoo-ha-lab/docker";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { forgetLab } from "../state.ts";

/** `lab down`: removes every container, network and volume labelled with the lab, and its secrets. */
export async function downCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: LAB_OPTIONS });
  const topology = resolveTopology(values);
  const docker = await ensureDockerEngine({ install: false });
  const started = Date.now();
  const removed = await new DockerLab(docker, topology).down();
  forgetLab(topology.name);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (values.json) console.log(JSON.stringify({ lab: topology.name, removed, seconds: Number(seconds) }));
  else console.log(`lab ${topology.name} removed in ${seconds} s: ${removed.containers.length} containers, ${removed.networks.length} networks, ${removed.volumes.length} volumes`);
  return 0;
}
