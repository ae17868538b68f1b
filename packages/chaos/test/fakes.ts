import { ScriptedHost, type ExecOptions, type ExecResult, type HostCall, type NodeControl, type NodePowerState } from "@odoo-ha-lab/machine";

/** What a handler answers for a node's command; undefined: success, no output. */
export type ExecHandler = (node: string, command: string[], options?: ExecOptions) => ExecResult | undefined;

/** A lab's scripted hosts, one per node, recording into one list, each command answered by `handler`. */
export function scriptedHosts(nodes: readonly string[], calls: HostCall[], handler: ExecHandler = () => undefined): Map<string, ScriptedHost> {
  return new Map(nodes.map((node) => [node, new ScriptedHost(node, { calls, answer: (command, options) => handler(node, command, options) })]));
}

/** Machines with a power state that the fake's own calls change, as a real engine would. */
export class FakeNodeControl implements NodeControl {
  readonly states = new Map<string, NodePowerState>();

  constructor(private readonly calls: HostCall[]) {}

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
