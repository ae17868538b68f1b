import type { ExecOptions, ExecResult, FileSpec, Host, NodeControl, NodePowerState, ServiceDefinition, ServiceManager, ServiceState } from "@odoo-ha-lab/roles";

/** Every call a fake saw, in order, across all fakes of one test. */
export type Call = { node: string; what: string; detail?: string[] };

export type ExecHandler = (node: string, command: string[], options?: ExecOptions) => ExecResult | undefined;

/** A Host that records what it is asked and answers from `handler` (default: success, no output). */
export class FakeHost implements Host {
  readonly interfaceName = "eth0";
  readonly silentAfterMs = 1_000;
  readonly services: ServiceManager;
  readonly serviceStates = new Map<string, ServiceState>();

  constructor(
    readonly node: string,
    private readonly calls: Call[],
    private readonly handler: ExecHandler = () => undefined,
  ) {
    const record = (what: string, name: string) => this.calls.push({ node, what, detail: [name] });
    const states = this.serviceStates;
    this.services = {
      apply: async (_service: ServiceDefinition) => false,
      start: async (name) => (record("service start", name), void states.set(name, "running")),
      stop: async (name) => (record("service stop", name), void states.set(name, "stopped")),
      restart: async (name) => (record("service restart", name), void states.set(name, "running")),
      reload: async (name) => void record("service reload", name),
      kill: async (name) => (record("service kill", name), void states.set(name, "starting")),
      state: async (name) => states.get(name) ?? "running",
      logs: async () => "",
    };
  }

  async exec(command: string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ node: this.node, what: "exec", detail: command });
    return this.handler(this.node, command, options) ?? { exitCode: 0, stdout: "", stderr: "" };
  }

  async writeFile(_file: FileSpec): Promise<boolean> {
    return true;
  }

  async readFile(_path: string): Promise<string | undefined> {
    return undefined;
  }
}

/** Machines with a power state that the fake's own calls change, as a real engine would. */
export class FakeNodeControl implements NodeControl {
  readonly states = new Map<string, NodePowerState>();

  constructor(private readonly calls: Call[]) {}

  private set(node: string, what: string, state: NodePowerState) {
    this.calls.push({ node, what });
    this.states.set(node, state);
  }

  async kill(node: string) {
    this.set(node, "kill", "stopped");
  }
  async powerCut(node: string) {
    this.set(node, "power cut", "stopped");
  }
  async stop(node: string) {
    this.set(node, "stop", "stopped");
  }
  async start(node: string) {
    this.set(node, "start", "running");
  }
  async pause(node: string) {
    this.set(node, "pause", "paused");
  }
  async unpause(node: string) {
    this.set(node, "unpause", "running");
  }
  async state(node: string): Promise<NodePowerState> {
    return this.states.get(node) ?? "running";
  }
}
