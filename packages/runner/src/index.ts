export * from "./budgets.ts";
export * from "./conditions.ts";
export * from "./load-scenario.ts";
export * from "./scenario-schema.ts";
export * from "./junit.ts";
