import type Dockerode from "dockerode";
import { reachableAt, type LabNetwork, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { machineOf } from "@odoo-ha-lab/roles";
import { LABEL_KIND, LABEL_LAB, LABEL_NODE, containerName, networkName, volumeName } from "./labels.ts";

/**
 * Creates the Docker objects of a lab from its topology: a bridge network per lab network with its
 * subnet, one container per node at its fixed address on each network it joins, named volumes for
 * durable data. Nothing here
 * configures a service: that is the roles' job, through DockerHost.
 */
export interface NodeImages {
  /** Image for nodes without the odoo role. */
  node: string;
  /** Image for odoo nodes (the odoo-node layer on top of the chosen Odoo image). */
  odoo: string;
}

/** Creates the lab's bridges that do not exist yet; returns the subnets it created. */
export async function ensureNetworks(docker: Dockerode, topology: Topology): Promise<string[]> {
  const created: string[] = [];
  for (const network of topology.networks) if (await ensureNetwork(docker, topology, network)) created.push(network.subnet);
  return created;
}

async function ensureNetwork(docker: Dockerode, topology: Topology, network: LabNetwork): Promise<boolean> {
  const name = networkName(topology.name, network.name);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((candidate) => candidate.Name === name)) return false;
  try {
    await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      CheckDuplicate: true,
      IPAM: { Driver: "default", Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
      Labels: { [LABEL_LAB]: topology.name, [LABEL_KIND]: "network" },
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/overlap/i.test(message)) {
      throw new Error(
        `cannot create network ${name} with subnet ${network.subnet}: it overlaps a network that exists already ` +
          `(another lab?). Run \`pnpm lab up --name <other> --subnet <free /24>\` or \`pnpm lab down\` the other lab first. (${message})`,
      );
    }
    throw error;
  }
  return true;
}

/**
 * The container's interface on a network: eth0 on its first, then eth1, eth2… in the order its
 * networks are listed (the container is created on the first and joined to the others in order).
 */
export function interfaceOn(node: TopologyNode, network: string): string {
  const index = node.interfaces.findIndex((own) => own.network === network);
  if (index < 0) throw new Error(`${node.name} joins no network '${network}'`);
  return `eth${index}`;
}

/** Where each role keeps the state that must survive a container being recreated (its module's durable folders). */
function durableMounts(topology: Topology, node: TopologyNode): { volume: string; target: string }[] {
  return node.roles.flatMap((role) => machineOf(role).durableFolders).map(({ name, path }) => ({ volume: volumeName(topology.name, node.name, name), target: path }));
}

export async function ensureNodeContainer(
  docker: Dockerode,
  topology: Topology,
  node: TopologyNode,
  images: NodeImages,
): Promise<"created" | "recreated (image changed)" | "started" | "running"> {
  const name = containerName(topology.name, node.name);
  const image = node.roles.includes("odoo") ? images.odoo : images.node;
  const existing = await docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } });
  const found = existing[0];
  let recreated = false;
  if (found && found.Image !== image) {
    // A new image (a new Odoo source, or another Odoo image): replace the container as `docker compose up`
    // does. State lives in the node's volumes, which are kept.
    await docker.getContainer(found.Id).remove({ force: true });
    recreated = true;
  } else if (found) {
    if (found.State === "running") return "running";
    await docker.getContainer(found.Id).start();
    return "started";
  }
  const mounts = durableMounts(topology, node);
  for (const mount of mounts) {
    await docker.createVolume({ Name: mount.volume, Labels: { [LABEL_LAB]: topology.name, [LABEL_NODE]: node.name, [LABEL_KIND]: "volume" } });
  }
  const needsFuse = node.roles.some((role) => machineOf(role).usesFuse);
  const capabilities = [
    // Every node: keepalived adds the VIP with it, and chaos faults drive iptables/tc in every node (real hosts have root too).
    "NET_ADMIN",
    ...(needsFuse ? ["SYS_ADMIN"] : []),
  ];
  const [first, ...others] = node.interfaces;
  const container = await docker.createContainer({
    name,
    Hostname: node.name,
    Image: image,
    Labels: { [LABEL_LAB]: topology.name, [LABEL_NODE]: node.name, [LABEL_KIND]: "node" },
    // lab-interfaces names the interface of the i-th address eth<i> again at every start (interfaceOn).
    Env: others.length > 0 ? [`LAB_INTERFACES=${node.interfaces.map((own) => own.address).join(" ")}`] : [],
    HostConfig: {
      NetworkMode: networkName(topology.name, first!.network),
      CapAdd: capabilities,
      Devices: needsFuse ? [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }] : [],
      // A fresh /run on every start: no stale pid file can block a restart after `docker kill`.
      Tmpfs: { "/run": "rw,exec,mode=755,size=64m" },
      Mounts: mounts.map((mount) => ({ Type: "volume" as const, Source: mount.volume, Target: mount.target })),
      // Each other node by its address on a network the two share (none: it is not reachable from here).
      ExtraHosts: topology.nodes.flatMap((other) => {
        const address = reachableAt(other, node);
        return address === undefined ? [] : [`${other.name}:${address}`];
      }),
      ...(node.memoryMiB ? { Memory: node.memoryMiB * 1024 * 1024 } : {}),
      // Docker's apparmor profile denies FUSE mounts; glusterfs needs them.
      SecurityOpt: needsFuse ? ["apparmor=unconfined"] : [],
    },
    NetworkingConfig: {
      EndpointsConfig: { [networkName(topology.name, first!.network)]: { IPAMConfig: { IPv4Address: first!.address } } },
    },
  });
  await container.start();
  // Joined after the start, one at a time, so that each gets the next ethN (interfaceOn). The
  // engine's API before 1.44 takes one network at creation.
  for (const own of others) {
    await docker.getNetwork(networkName(topology.name, own.network)).connect({ Container: container.id, EndpointConfig: { IPAMConfig: { IPv4Address: own.address } } });
  }
  return recreated ? "recreated (image changed)" : "created";
}

export interface RemovedResources {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Removes every container, network and volume labelled with the lab: also what a crashed `up` left. */
export async function removeLabResources(docker: Dockerode, lab: string): Promise<RemovedResources> {
  const filters = { label: [`${LABEL_LAB}=${lab}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((info) => docker.getNetwork(info.Id).remove()));
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  await Promise.all((volumes ?? []).map((info) => docker.getVolume(info.Name).remove({ force: true })));
  return {
    containers: containers.map((info) => (info.Names[0] ?? info.Id).replace(/^\//, "")),
    networks: networks.map((info) => info.Name),
    volumes: (volumes ?? []).map((info) => info.Name),
  };
}

export interface NodeContainerState {
  node: string;
  container: string;
  state: string;
  status: string;
}

export async function listNodeContainers(docker: Dockerode, lab: string): Promise<NodeContainerState[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${lab}`, `${LABEL_KIND}=node`] } });
  return containers.map((info) => ({
    node: info.Labels[LABEL_NODE] ?? "?",
    container: (info.Names[0] ?? info.Id).replace(/^\//, ""),
    state: info.State,
    status: info.Status,
  }));
}
