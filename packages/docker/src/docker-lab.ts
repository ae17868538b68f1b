import type Dockerode from "dockerode";
import { converge, waitFor, type Host, type LabSecrets, type OdooDatabaseCache, type ProgressEvent } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import { DockerHost } from "./docker-host.ts";
import { containerName } from "./labels.ts";
import { ensureNetwork, ensureNodeContainer, listNodeContainers, removeLabResources, type NodeImages, type RemovedResources } from "./lab-resources.ts";

export interface DockerUpOptions {
  images: NodeImages;
  secrets: LabSecrets;
  progress: (event: ProgressEvent) => void;
  /** Keep what a failed first `up` created, for debugging (default: remove it all). */
  keepOnFailure?: boolean;
  /** Where a new lab's database comes from when a snapshot for these images is kept (and goes to when not). */
  databaseCache?: OdooDatabaseCache;
}

/** The Docker target: containers are the hosts; the roles converge onto them. */
export class DockerLab {
  constructor(
    readonly docker: Dockerode,
    readonly topology: Topology,
  ) {}

  hosts(): Map<string, Host> {
    return new Map(this.topology.nodes.map((node) => [node.name, new DockerHost(this.docker, node.name, containerName(this.topology.name, node.name))]));
  }

  async exists(): Promise<boolean> {
    return (await listNodeContainers(this.docker, this.topology.name)).length > 0;
  }

  async up(options: DockerUpOptions): Promise<void> {
    const firstUp = !(await this.exists());
    try {
      if (await ensureNetwork(this.docker, this.topology)) {
        options.progress({ stage: "machines", message: `network ${this.topology.network.subnet} created` });
      }
      await Promise.all(
        this.topology.nodes.map(async (node) => {
          const outcome = await ensureNodeContainer(this.docker, this.topology, node, options.images);
          options.progress({ stage: "machines", node: node.name, message: `container ${outcome} at ${node.address}` });
        }),
      );
      const hosts = this.hosts();
      await Promise.all([...hosts.values()].map((host) => waitForSupervisor(host)));
      await converge({ topology: this.topology, hosts, secrets: options.secrets, progress: options.progress, ...(options.databaseCache ? { databaseCache: options.databaseCache } : {}) });
    } catch (error) {
      if (firstUp && !options.keepOnFailure) {
        const removed = await this.down();
        (error as Error).message +=
          `\n(lab up failed, so everything it had created was removed: ${removed.containers.length} containers, ` +
          `${removed.networks.length} networks, ${removed.volumes.length} volumes. Re-run with --keep-on-failure to inspect it.)`;
      }
      throw error;
    }
  }

  down(): Promise<RemovedResources> {
    return removeLabResources(this.docker, this.topology.name);
  }

  containers() {
    return listNodeContainers(this.docker, this.topology.name);
  }
}

async function waitForSupervisor(host: Host): Promise<void> {
  await waitFor(`supervisord on ${host.node}`, async () => {
    const result = await host.exec(["supervisorctl", "pid"]);
    return result.exitCode === 0 && /^\d+$/.test(result.stdout.trim()) ? { done: true, value: undefined } : { done: false, observation: result.stdout.trim() || result.stderr.trim() };
  }, { timeoutMs: 30_000, intervalMs: 100 });
}
