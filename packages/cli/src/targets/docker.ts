import type Dockerode from "dockerode";
import { DockerLab, DockerNodeControl, ensureDockerEngine } from "@odoo-ha-lab/docker";
import type { Topology } from "@odoo-ha-lab/topology";
import { ensureLabUp } from "../commands/up.ts";
import { forgetLab } from "../state.ts";
import type { LabTarget } from "./index.ts";

/** Containers on this machine's Docker engine: the lab's default target. */
export function dockerTarget(topology: Topology): LabTarget {
  let engine: Promise<Dockerode> | undefined;
  const docker = () => (engine ??= ensureDockerEngine({ install: false }));
  const lab = async () => new DockerLab(await docker(), topology);
  return {
    kind: "docker",
    topology,
    async hosts() {
      return (await lab()).hosts();
    },
    async nodeControl() {
      return new DockerNodeControl(await docker(), topology.name);
    },
    async up(progress, options = {}) {
      const { secrets, images } = await ensureLabUp(topology, progress, options.keepOnFailure);
      return { kind: "docker", secrets, imagesBuilt: images.built };
    },
    async down() {
      const removed = await (await lab()).down();
      forgetLab(topology.name);
      return { kind: "docker", removed };
    },
    async exists() {
      return (await lab()).exists();
    },
    async machines() {
      const containers = await (await lab()).containers();
      return containers.map((container) => ({ node: container.node, machine: container.container, state: container.state, up: container.state === "running", detail: container.status }));
    },
  };
}
