/**
 * The machine a lab node runs on, whatever the target (a container, a server over SSH, a VM): running
 * commands and writing files on it (Host), its services, its power (NodeControl), waiting for a
 * condition on it, quoting for its shell, and the pid wrapper of long-lived commands. Roles, chaos
 * faults, probes and targets are written against these, never against Docker or ssh.
 */
export * from "./host.ts";
export * from "./host-wrapper.ts";
export * from "./node-control.ts";
export * from "./recording-host.ts";
export * from "./shell-quote.ts";
export * from "./spawned-command.ts";
export * from "./unsupported-fault-error.ts";
export * from "./wait.ts";
export * from "./scripted-host.ts";
