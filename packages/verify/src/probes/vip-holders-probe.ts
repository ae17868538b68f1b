import { listsAddress } from "@odoo-ha-lab/roles";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/** Which load balancers have the VIP on their interface (`ip addr` on each node); one that cannot answer holds nothing. */
export async function probeVipHolders(context: ProbeContext): Promise<ProbeAnswers["vip-holders"]> {
  const { vip } = context.topology;
  const answers = await Promise.all(
    vip.holders.map(async (name) => {
      const addresses = (await context.watches.get(name)?.next(context.timeoutMs))?.get("vip");
      return addresses?.exitCode === 0 && listsAddress(addresses.stdout, vip.address) ? name : undefined;
    }),
  );
  return { holders: answers.filter((name): name is string => name !== undefined) };
}
