import type Dockerode from "dockerode";
import { converge, type LabSecrets, type OdooDatabaseCache, type ProgressEvent } from "@odoo-ha-lab/roles";
import { RecordingHost, waitFor, type Host } from "@odoo-ha-lab/machine";
import { labNetworkOf, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { DockerHost } from "./docker-host.ts";
import { SUPERVISOR_STATE } from "./supervisor.ts";
import { containerName } from "./labels.ts";
import { ensureNetworks, ensureNodeContainer, interfaceOn, listNodeContainers, removeLabResources, type NodeImages, type RemovedResources } from "./lab-resources.ts";

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
    return new Map(this.topology.nodes.map((node) => [node.name, this.host(node)]));
  }

  /** A node's container as a host; its lab interface is the one on the VIP's network (its first if it has none). */
  private host(node: TopologyNode, options: { commandAgent?: boolean } = {}): DockerHost {
    return new DockerHost(this.docker, node.name, containerName(this.topology.name, node.name), { ...options, interfaceName: interfaceOn(node, labNetworkOf(this.topology, node)) });
  }

  async exists(): Promise<boolean> {
    return (await listNodeContainers(this.docker, this.topology.name)).length > 0;
  }

  /** Brings the lab to its topology; `changed` is false when it was running and nothing was written, started or created. */
  async up(options: DockerUpOptions): Promise<{ changed: boolean }> {
    const firstUp = !(await this.exists());
    try {
      const networksCreated = await ensureNetworks(this.docker, this.topology);
      for (const subnet of networksCreated) options.progress({ stage: "machines", message: `network ${subnet} created` });
      const outcomes = await Promise.all(
        this.topology.nodes.map(async (node) => {
          const outcome = await ensureNodeContainer(this.docker, this.topology, node, options.images);
          options.progress({ stage: "machines", node: node.name, message: `container ${outcome} at ${node.interfaces.map((own) => own.address).join(", ")}` });
          return outcome;
        }),
      );
      // A converge runs ~130 commands on a new lab: each node's go through one exec (see ExecAgent).
      const nodeHosts = this.topology.nodes.map((node) => this.host(node, { commandAgent: true }));
      const hosts = new Map(nodeHosts.map((host) => [host.node, new RecordingHost(host)]));
      try {
        await Promise.all([...hosts.values()].map((host) => waitForSupervisor(host)));
        await converge({ topology: this.topology, hosts, secrets: options.secrets, progress: options.progress, ...(options.databaseCache ? { databaseCache: options.databaseCache } : {}) });
      } finally {
        for (const host of nodeHosts) host.close();
      }
      return { changed: firstUp || networksCreated.length > 0 || outcomes.some((outcome) => outcome !== "running") || [...hosts.values()].some((host) => host.changed) };
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

/** supervisord answers on its socket (asked with curl: a `supervisorctl` is a Python start on every node). */
async function waitForSupervisor(host: Host): Promise<void> {
  await waitFor(`supervisord on ${host.node}`, async () => {
    const result = await host.exec(SUPERVISOR_STATE);
    return result.exitCode === 0 && result.stdout.includes("<string>RUNNING</string>") ? { done: true, value: undefined } : { done: false, observation: result.stdout.trim() || result.stderr.trim() || `curl exit ${result.exitCode}` };
  }, { timeoutMs: 30_000, intervalMs: 100 });
}
