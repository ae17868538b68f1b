import type { ExecOptions, ExecResult, FileSpec, Host, ServiceDefinition, ServiceManager, ServiceState } from "./host.ts";

/** One thing a scripted host was asked, in order: `exec` (the command), `write` (the path), `service <verb>` (the name). */
export interface HostCall {
  node: string;
  what: string;
  detail?: string[];
}

/** How a scripted host answers a command; undefined: success with no output. */
export type ExecAnswer = (command: string[], options?: ExecOptions) => ExecResult | undefined | Promise<ExecResult | undefined>;

export const succeeded = (stdout = ""): ExecResult => ({ exitCode: 0, stdout, stderr: "" });
export const exitedWith = (exitCode = 1, stderr = ""): ExecResult => ({ exitCode, stdout: "", stderr });

/**
 * A machine in memory, for the tests of what runs against a Host (role steps, probes, faults): files
 * in a map, services with states (a kill leaves a service "starting", as a supervisor restarting it
 * would), each command answered by `answer`, and every call recorded in order. Hosts given one
 * `calls` list show the order of calls across nodes.
 */
export class ScriptedHost implements Host {
  readonly interfaceName = "eth0";
  readonly silentAfterMs = 1_000;
  readonly files = new Map<string, string>();
  readonly serviceStates = new Map<string, ServiceState>();
  readonly calls: HostCall[];
  readonly services: ServiceManager;
  private readonly definitions = new Map<string, string>();

  constructor(
    readonly node: string,
    options: { answer?: ExecAnswer; calls?: HostCall[] } = {},
  ) {
    this.calls = options.calls ?? [];
    this.answer = options.answer ?? (() => undefined);
    const act = (verb: string, name: string, state?: ServiceState) => {
      this.record(`service ${verb}`, [name]);
      if (state) this.serviceStates.set(name, state);
    };
    this.services = {
      apply: async (service: ServiceDefinition) => {
        const rendered = JSON.stringify(service);
        if (this.definitions.get(service.name) === rendered) return false;
        this.definitions.set(service.name, rendered);
        act("apply", service.name);
        return true;
      },
      start: async (name) => act("start", name, "running"),
      stop: async (name) => act("stop", name, "stopped"),
      restart: async (name) => act("restart", name, "running"),
      reload: async (name, signal) => void this.record("service reload", [name, ...(signal ? [signal] : [])]),
      kill: async (name) => act("kill", name, "starting"),
      state: async (name) => this.serviceStates.get(name) ?? "running",
      logs: async () => "",
    };
  }

  private readonly answer: ExecAnswer;

  /** The commands this host ran, in order. */
  get commands(): string[][] {
    return this.calls.filter((call) => call.node === this.node && call.what === "exec").map((call) => call.detail!);
  }

  async exec(command: string[], options?: ExecOptions): Promise<ExecResult> {
    this.record("exec", command);
    return (await this.answer(command, options)) ?? succeeded();
  }

  async writeFile(file: FileSpec): Promise<boolean> {
    if (this.files.get(file.path) === file.content) return false;
    this.files.set(file.path, file.content);
    this.record("write", [file.path]);
    return true;
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  private record(what: string, detail: string[]): void {
    this.calls.push({ node: this.node, what, detail });
  }
}
