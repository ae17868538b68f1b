import type Dockerode from "dockerode";
import { DockerLab, DockerNodeControl, ensureDockerEngine, ensureLabImages } from "@odoo-ha-lab/docker";
import type { ProgressEvent } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import { onInterrupt, signalExitCode } from "../interrupts.ts";
import { forgetLab, loadOrCreateSecrets } from "../state.ts";
import { databaseCacheKey, localDatabaseCache } from "../database-cache.ts";
import type { LabTarget } from "./index.ts";

/** Containers on this machine's Docker engine: the lab's default target. */
export function dockerTarget(topology: Topology): LabTarget {
  let engine: Promise<Dockerode> | undefined;
  const docker = () => (engine ??= ensureDockerEngine({ install: false }));
  const lab = async () => new DockerLab(await docker(), topology);
  return {
    kind: "docker",
    topology,
    commandArgs: "",
    machineLabel: "container",
    async hosts() {
      return (await lab()).hosts();
    },
    async nodeControl() {
      return new DockerNodeControl(await docker(), topology.name);
    },
    async up(progress, options = {}) {
      const { secrets, images, changed } = await ensureLabUp(topology, progress, options.keepOnFailure);
      const built = images.built;
      return { secrets, changed, where: "", detail: built.length ? `, built images: ${built.join(", ")}` : "", report: { json: { imagesBuilt: built, changed }, lines: [] } };
    },
    async down(options = {}) {
      if (options.purge) throw new Error("--purge is for --target ssh (docker's down always removes everything)");
      const started = Date.now();
      const removed = await (await lab()).down();
      forgetLab(topology.name);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const line = `lab ${topology.name} removed in ${seconds} s: ${removed.containers.length} containers, ${removed.networks.length} networks, ${removed.volumes.length} volumes`;
      return { incomplete: false, report: { json: { removed, seconds: Number(seconds) }, lines: [line] } };
    },
    async exists() {
      return (await lab()).exists();
    },
    async machines() {
      const containers = await (await lab()).containers();
      return containers.map((container) => ({ node: container.node, machine: container.container, state: container.state, up: container.state === "running", detail: container.status }));
    },
    machinesJson: (machines) => ({ containers: machines.map((machine) => ({ node: machine.node, container: machine.machine, state: machine.state, status: machine.detail })) }),
  };
}

/** Engine, images, machines, converge: what `up`, `run` and `gate` all start with. */
async function ensureLabUp(topology: Topology, progress: (event: ProgressEvent) => void, keepOnFailure = false) {
  const docker = await ensureDockerEngine({ install: true, onProgress: (message) => progress({ stage: "engine", message }) });
  const images = await ensureLabImages(docker, {
    onProgress: (message) => progress({ stage: "images", message }),
    odoo: topology.odoo,
    release: topology.release,
  });
  const secrets = loadOrCreateSecrets(topology.name);
  const lab = new DockerLab(docker, topology);
  const stopWatching = removeOnInterrupt(lab, !(await lab.exists()), progress);
  let changed: boolean;
  try {
    const imageId = async (image: string) => (await docker.getImage(image).inspect()).Id;
    const databaseCache = localDatabaseCache(async () => databaseCacheKey({ odoo: await imageId(images.odoo), postgres: await imageId(images.node) }));
    ({ changed } = await lab.up({ images: { node: images.node, odoo: images.odoo }, secrets, progress, keepOnFailure, databaseCache }));
  } finally {
    stopWatching(); // what follows (a scenario run) handles interrupts its own way
  }
  return { docker, lab, secrets, images, changed };
}

/** Ctrl-C during a first `up` must not leave half a lab behind: remove what it created, then exit. Returns the un-watch. */
function removeOnInterrupt(lab: DockerLab, firstUp: boolean, progress: (event: ProgressEvent) => void): () => void {
  let removing = false;
  return onInterrupt((signal, again) => {
    const exit = () => process.exit(signalExitCode(signal));
    if (!firstUp) exit();
    if (removing) {
      // Quitting now would leave exactly the orphans this handler exists to prevent.
      if (again) progress({ stage: "interrupted", message: `${signal} again: still removing the lab (\`pnpm lab down\` also removes it)` });
      return;
    }
    removing = true;
    progress({ stage: "interrupted", message: `${signal}: removing everything this first \`up\` created` });
    lab.down().then(exit, exit);
  });
}
