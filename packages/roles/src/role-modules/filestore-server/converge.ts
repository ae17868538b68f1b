import { run, waitFor, type Host } from "@odoo-ha-lab/machine";
import { filestoreServerPlan } from "./plan.ts";
import { filestoreServerAddress, filestoreVolume, reconfiguredOptions } from "./render.ts";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";

const gluster = (...args: string[]) => ["gluster", "--mode=script", ...args];

export async function convergeFilestore(context: ConvergeContext): Promise<void> {
  const servers = await applyRoleEverywhere(context, "filestore", "filestore-server", filestoreServerPlan, async (host) => {
    await waitFor(`glusterd on ${host.node}`, async () => {
      const result = await host.exec(gluster("peer", "status"));
      return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: result.stderr.trim() };
    }, { timeoutMs: timeout(context, 60) });
  });

  const first = hostFor(context, servers[0]!.name);
  for (const other of servers.slice(1)) await run(first, gluster("peer", "probe", filestoreServerAddress(context.topology, other.name)));
  if (servers.length > 1) {
    await waitFor(`${servers.length - 1} gluster peer(s) connected`, async () => {
      const status = await run(first, gluster("peer", "status"));
      const connected = (status.match(/Peer in Cluster \(Connected\)/g) ?? []).length;
      return connected === servers.length - 1 ? { done: true, value: undefined } : { done: false, observation: status.trim() };
    }, { timeoutMs: timeout(context, 60) });
  }

  const volume = filestoreVolume(context.topology);
  const info = await first.exec(gluster("volume", "info", volume.name));
  if (info.exitCode !== 0) {
    await run(first, volume.createCommand);
    context.progress({ stage: "filestore", node: first.node, message: `created volume ${volume.name} (${context.topology.storage.layout})` });
  }
  const current = info.exitCode === 0 ? reconfiguredOptions(info.stdout) : new Map<string, string>();
  for (const [key, value] of volume.options) if (current.get(key) !== value) await run(first, gluster("volume", "set", volume.name, key, value));
  if (!/^Status: Started$/m.test(info.stdout)) await run(first, gluster("volume", "start", volume.name));
  await waitForBricksOnline(first, volume.name, volume.bricks.length, timeout(context, 60));
  context.progress({ stage: "filestore", message: `volume ${volume.name} running, ${volume.bricks.length} brick(s) online` });
}

export async function waitForBricksOnline(host: Host, volume: string, bricks: number, timeoutMs: number): Promise<void> {
  await waitFor(`${bricks} brick(s) of ${volume} online`, async () => {
    const detail = await host.exec(gluster("volume", "status", volume, "detail"));
    const online = (detail.stdout.match(/^Online\s*:\s*Y/gm) ?? []).length;
    return online === bricks ? { done: true, value: undefined } : { done: false, observation: `${online}/${bricks} online` };
  }, { timeoutMs });
}
