import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import type { ConvergeContext } from "../../converge/context.ts";
import { haproxyPlan } from "./plan.ts";

export async function convergeHaproxy(context: ConvergeContext): Promise<void> {
  await applyRoleEverywhere(context, "haproxy", "haproxy", haproxyPlan);
}
