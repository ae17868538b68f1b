import { etcdPlan } from "./plan.ts";
import { etcdEndpoints } from "./render.ts";
import { waitFor } from "@odoo-ha-lab/machine";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";

export async function convergeEtcd(context: ConvergeContext): Promise<void> {
  const members = await applyRoleEverywhere(context, "etcd", "etcd", etcdPlan);
  const first = hostFor(context, members[0]!.name);
  const endpoints = etcdEndpoints(context.topology).map((endpoint) => `http://${endpoint}`).join(",");
  await waitFor(
    `all ${members.length} etcd members to report healthy`,
    async () => {
      const result = await first.exec(["etcdctl", `--endpoints=${endpoints}`, "--command-timeout=2s", "endpoint", "health"], { env: { ETCDCTL_API: "3" } });
      return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: (result.stderr || result.stdout).trim() };
    },
    { timeoutMs: timeout(context, 60) },
  );
  context.progress({ stage: "etcd", message: `quorum of ${members.length} healthy` });
}
