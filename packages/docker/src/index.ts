export * from "./engine.ts";
export * from "./images.ts";
export * from "./docker-host.ts";
export * from "./docker-lab.ts";
export * from "./labels.ts";
export * from "./lab-resources.ts";
export * from "./supervisor.ts";
export * from "./docker-node-control.ts";
