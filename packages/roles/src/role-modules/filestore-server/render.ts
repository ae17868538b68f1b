import { addressOn, findNode, groupNetwork, ROLE_GROUPS, type Topology } from "@odoo-ha-lab/topology";
import { PATHS } from "../../render/paths.ts";

/**
 * The shared filestore as GlusterFS sees it: which bricks make the volume, the commands that create
 * it, and how a client mounts it. Single brick = the seed's layout (lb2 is a single point of
 * failure); replicated = replica 3 arbiter 1, the last server holding only metadata.
 */
export interface FilestoreVolume {
  name: string;
  bricks: string[];
  createCommand: string[];
  options: [string, string][];
}

/**
 * A filestore server's address where its peers and its Odoo clients all reach it: the volume names
 * each brick by it, and a client connects to every brick there.
 */
export function filestoreServerAddress(topology: Topology, server: string): string {
  return addressOn(findNode(topology, server), groupNetwork(topology, ROLE_GROUPS.filestore))!;
}

export function filestoreVolume(topology: Topology): FilestoreVolume {
  const { volume, layout, servers, pingTimeoutSeconds } = topology.storage;
  const bricks = servers.map((server) => `${filestoreServerAddress(topology, server)}:${PATHS.glusterBrickRoot}/${volume}`);
  const replication = layout === "replicated" ? ["replica", "3", "arbiter", "1"] : [];
  return {
    name: volume,
    bricks,
    // "force": in a container the brick sits on the root filesystem, which gluster refuses by default.
    createCommand: ["gluster", "--mode=script", "volume", "create", volume, ...replication, ...bricks, "force"],
    options: [
      // How long clients wait for a hung (not dead) server before failing over or erroring.
      ["network.ping-timeout", String(pingTimeoutSeconds)],
      ["performance.quick-read", "off"],
      ["performance.stat-prefetch", "off"],
    ],
  };
}

/**
 * The options a volume has set (`gluster volume info`'s "Options Reconfigured:" lines, "key: value"),
 * so that converge sets only those that differ: each `volume set` rewrites the volume's graph and
 * makes every mounted client switch to it.
 */
export function reconfiguredOptions(volumeInfo: string): Map<string, string> {
  const options = new Map<string, string>();
  const lines = volumeInfo.split("\n");
  const start = lines.findIndex((line) => line.trim() === "Options Reconfigured:");
  if (start < 0) return options;
  for (const line of lines.slice(start + 1)) {
    const option = /^([\w.-]+): (.*)$/.exec(line.trim());
    if (!option) break;
    options.set(option[1]!, option[2]!);
  }
  return options;
}

/** The FUSE client in the foreground, so the service manager supervises the mount. */
export function filestoreClientCommand(topology: Topology): string[] {
  const servers = topology.storage.servers.map((server) => filestoreServerAddress(topology, server));
  return [
    "/usr/sbin/glusterfs",
    "--no-daemon",
    "--process-name=fuse",
    ...servers.map((address) => `--volfile-server=${address}`),
    `--volfile-id=${topology.storage.volume}`,
    // GlusterFS's "log to stderr". Not /dev/stderr: under systemd stderr is a journald socket,
    // which cannot be open()ed by path (ENXIO); `-` writes to the inherited descriptor.
    "--log-file=-",
    PATHS.odooDataDir,
  ];
}
