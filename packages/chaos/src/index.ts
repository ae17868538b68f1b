export * from "./chaos-injector.ts";
export * from "./fault-catalogue.ts";
export * from "./fault-journal.ts";
export * from "./fault-spec.ts";
export { labNodes, type FaultTarget } from "./faults/fault-kind.ts";
export { chaosChainName, networkRulePlan, type NodeRules } from "./network/iptables-plan.ts";
