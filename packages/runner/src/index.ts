export * from "./budgets.ts";
export * from "./conditions.ts";
export * from "./load-scenario.ts";
export * from "./scenario-schema.ts";
export * from "./junit.ts";
export * from "./steady-state.ts";
export * from "./run-scenario.ts";
export * from "./verification.ts";
