import type Dockerode from "dockerode";
import type { NodeControl, NodePowerState } from "@odoo-ha-lab/machine";
import { DockerHost } from "./docker-host.ts";
import { containerName } from "./labels.ts";

/**
 * Before a power cut, the container drops everything it sends but to itself: the connections its
 * dying processes close then send nothing. The rule lives in the container's network namespace,
 * which the engine tears down with it: the node starts again without it.
 */
const SILENCE_RULE = ["!", "-o", "lo", "-j", "DROP"];

/** The machine layer of a Docker lab: a node's power is its container's state. */
export class DockerNodeControl implements NodeControl {
  constructor(
    private readonly docker: Dockerode,
    readonly lab: string,
    /** A clean stop gets this long before the engine SIGKILLs what is left. */
    private readonly stopTimeoutSeconds = 5,
  ) {}

  kill(node: string): Promise<void> {
    return this.act(node, "kill", (container) => container.kill({ signal: "SIGKILL" }));
  }

  async powerCut(node: string): Promise<void> {
    const host = new DockerHost(this.docker, node, containerName(this.lab, node));
    const silence = ["iptables", "-w", "-I", "OUTPUT", "1", ...SILENCE_RULE];
    const silenced = await host.exec(silence, { timeoutMs: 30_000 });
    if (silenced.exitCode !== 0) throw new Error(`cannot cut the power of node ${node}: ${silence.join(" ")} failed (exit ${silenced.exitCode}): ${silenced.stderr.trim()}`);
    try {
      await this.kill(node);
    } catch (error) {
      // Still running, so its heal starts nothing: it must not stay silent.
      await host.exec(["iptables", "-w", "-D", "OUTPUT", ...SILENCE_RULE], { timeoutMs: 30_000 }).catch(() => undefined);
      throw error;
    }
  }

  stop(node: string): Promise<void> {
    return this.act(node, "stop", (container) => container.stop({ t: this.stopTimeoutSeconds }));
  }

  start(node: string): Promise<void> {
    return this.act(node, "start", (container) => container.start());
  }

  pause(node: string): Promise<void> {
    return this.act(node, "pause", (container) => container.pause());
  }

  unpause(node: string): Promise<void> {
    return this.act(node, "unpause", (container) => container.unpause());
  }

  async state(node: string): Promise<NodePowerState> {
    try {
      const { State } = await this.docker.getContainer(containerName(this.lab, node)).inspect();
      if (State.Paused) return "paused";
      return State.Running ? "running" : "stopped";
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return "absent";
      throw error;
    }
  }

  private async act(node: string, verb: string, action: (container: Dockerode.Container) => Promise<unknown>): Promise<void> {
    const name = containerName(this.lab, node);
    try {
      await action(this.docker.getContainer(name));
    } catch (error) {
      const { statusCode, message } = error as { statusCode?: number; message: string };
      // 304: already in the wanted state (start of a running container, stop of a stopped one).
      if (statusCode === 304) return;
      const hint = statusCode === 404 ? ` Is lab ${this.lab} up? (pnpm lab status)` : "";
      throw new Error(`cannot ${verb} node ${node} (container ${name}): ${message.trim()}.${hint}`);
    }
  }
}
