import { ensureDockerEngine, ensureLabImages } from "@odoo-ha-lab/docker";
import { parseArgs } from "node:util";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";

/**
 * `lab setup`: everything a fresh Debian/Ubuntu machine needs before a lab: the Docker engine
 * (installed and started if missing, as root) and the lab's images (built offline if missing).
 */
export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: LAB_OPTIONS });
  const topology = resolveTopology(values);
  const log = (message: string) => process.stderr.write(`[setup] ${message}\n`);
  const docker = await ensureDockerEngine({ install: true, onProgress: log });
  const images = await ensureLabImages(docker, { onProgress: log, odoo: topology.odoo, release: topology.release });
  if (values.json) console.log(JSON.stringify(images));
  else log(`ready: node ${images.node}, odoo ${images.odoo}, postgres ${images.postgres}`);
  return 0;
}
