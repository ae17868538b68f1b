export * from "./errors.ts";
export * from "./graph.ts";
export * from "./ipv4.ts";
export * from "./load.ts";
export * from "./model.ts";
export * from "./roles.ts";
export * from "./schema.ts";
export * from "./validate.ts";
