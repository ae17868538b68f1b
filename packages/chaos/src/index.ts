export * from "./chaos-injector.ts";
export * from "./fault-catalogue.ts";
export * from "./fault-journal.ts";
export * from "./fault-spec.ts";
export { DEFAULT_CPU_HOG_SECONDS } from "./faults/cpu-hog.ts";
export { DEFAULT_LEAVE_FREE_MIB } from "./faults/fill-disk.ts";
export { labNodes, type FaultTarget } from "./faults/fault-kind.ts";
export { chaosChainName, networkRulePlan, type NodeRules } from "./network/iptables-plan.ts";
