export * from "./chaos-injector.ts";
export * from "./describe-fault.ts";
export * from "./fault-defaults.ts";
export * from "./fault-journal.ts";
export * from "./fault-spec.ts";
export * from "./node-control.ts";
export * from "./unsupported-fault-error.ts";
export * from "./validate-fault.ts";
export { chaosChainName, networkRulePlan, type NodeRules } from "./network/iptables-plan.ts";
