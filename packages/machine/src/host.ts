/**
 * The machine layer as the roles see it: something that can run a command, hold a file and manage
 * a long-running service. Docker containers, SSH hosts and Vagrant VMs all implement this, so every
 * role step is written once.
 */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  user?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Bytes for the command's stdin: text, or a file's contents (an archive to unpack). */
  stdin?: string | Buffer;
}

/** A command left running on a node: its output arrives as it is printed. */
export interface RunningCommand {
  /** Settles when the command ends, or the node goes away under it. */
  readonly ended: Promise<void>;
  /** Ends the command on the node itself, not only this end of its output. */
  stop(): Promise<void>;
}

export interface FileSpec {
  path: string;
  content: string;
  mode?: number;
  owner?: string;
}

/** A long-running process the node runs: rendered to a supervisor program or a systemd unit. */
export interface ServiceDefinition {
  name: string;
  command: string[];
  user?: string;
  environment?: Record<string, string>;
  directory?: string;
  /** Seconds a stop waits for a clean exit before SIGKILL. */
  stopTimeoutSeconds?: number;
  stopSignal?: "TERM" | "INT" | "QUIT" | "KILL";
  /**
   * The service stops its own children on the stop signal, so the signal goes to its main process
   * alone (SIGKILL after the timeout still reaches them all). Odoo's prefork server lets its workers
   * finish the requests in flight, but a worker that gets SIGTERM itself dies at once.
   */
  stopsItsChildren?: boolean;
  /** The signal that makes the service re-read its config without a restart (absent: restart on change). */
  reloadSignal?: "HUP" | "USR2";
  /** False for a service that reads none of its role's files (a mount): a config change leaves it alone. */
  readsRoleFiles?: boolean;
}

export type ServiceState = "running" | "starting" | "stopped" | "failed" | "unknown";

export interface ServiceManager {
  /** Installs or updates the definition; starts the service if it is new or changed. Returns true if anything changed. */
  apply(service: ServiceDefinition): Promise<boolean>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** Sends the service its reload signal: config changes take effect without stopping it. */
  reload(name: string, signal: "HUP" | "USR2"): Promise<void>;
  /**
   * SIGKILLs every process of the service at once, also those it detached (as `systemctl kill
   * --signal=KILL` reaches the whole control group): a crash, not a stop. The manager's restart
   * policy then applies, as after a real crash. Does not wait.
   */
  kill(name: string): Promise<void>;
  state(name: string): Promise<ServiceState>;
  /** The states of several services in one round trip, in their order (a manager that cannot is asked one by one). */
  states?(names: string[]): Promise<ServiceState[]>;
  /** The last lines the service wrote. */
  logs(name: string, lines: number): Promise<string>;
}

export interface Host {
  /** The topology node this host plays. */
  readonly node: string;
  /** The network interface that carries the lab network (keepalived binds the VIP to it). */
  readonly interfaceName: string;
  /**
   * How long a quick probe's round trip may take before the node counts as silent. Short over SSH,
   * where a powered-off machine never answers; long on Docker, where a stopped or paused container
   * refuses at once and a slow answer only means a busy engine.
   */
  readonly silentAfterMs: number;
  exec(command: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Optional: starts a long-lived command and hands over its stdout as it comes. For watches that
   * sample a node several times a second: one process for a whole run instead of one exec per sample.
   */
  spawn?(command: string[], onStdout: (text: string) => void): Promise<RunningCommand>;
  /** Writes the file only if its content, mode or owner differ; returns true if it changed. */
  writeFile(file: FileSpec): Promise<boolean>;
  /** Optional: writeFile for several files, compared in one round trip; what changed, in their order. */
  writeFiles?(files: FileSpec[]): Promise<boolean[]>;
  readFile(path: string): Promise<string | undefined>;
  readonly services: ServiceManager;
}

export class HostCommandError extends Error {
  constructor(
    readonly node: string,
    readonly command: string[],
    readonly result: ExecResult,
  ) {
    const output = (result.stderr || result.stdout).trim().split("\n").slice(-8).join("\n    ");
    super(`on ${node}: \`${command.join(" ")}\` exited ${result.exitCode}${output ? `:\n    ${output}` : ""}`);
    this.name = "HostCommandError";
  }
}

/** Runs a command and throws a HostCommandError (naming the node) if it fails. */
export async function run(host: Host, command: string[], options?: ExecOptions): Promise<string> {
  const result = await host.exec(command, options);
  if (result.exitCode !== 0) throw new HostCommandError(host.node, command, result);
  return result.stdout;
}

/** The states of a host's services, in one question when its manager can ask them together. */
export function serviceStatesOf(services: ServiceManager, names: string[]): Promise<ServiceState[]> {
  return services.states ? services.states(names) : Promise.all(names.map((name) => services.state(name)));
}

/** Writes the files that differ, compared in one round trip when the host can. */
export async function writeFilesOf(host: Host, files: FileSpec[]): Promise<boolean[]> {
  if (host.writeFiles) return host.writeFiles(files);
  const changed: boolean[] = [];
  for (const file of files) changed.push(await host.writeFile(file));
  return changed;
}
