import { $ } from "zx";
import { UnsupportedFaultError, type NodeControl, type NodePowerState } from "@odoo-ha-lab/machine";
import type { Inventory } from "./inventory.ts";
import { inventoryNode } from "./inventory.ts";
import type { SshEndpoint } from "./openssh.ts";
import { UNIT_PREFIX } from "./systemd-services.ts";

/**
 * The machine layer of an SSH lab. A real machine's power is only in reach through what the
 * inventory gives (powerOff/powerOn: IPMI, a PDU, a hypervisor's CLI), run on this machine.
 *
 * - kill, powerCut: powerOff (a hard power cut: the machine closes nothing); without it the fault
 *   is unsupported on that node.
 * - stop: a clean stop of every lab-* unit. The machine stays up: powering a machine off cleanly
 *   (`systemctl poweroff`) would leave no way back without powerOn.
 * - start: powerOn when the node does not answer; then (and for a node that answers) start every lab-* unit.
 * - pause/unpause: SIGSTOP/SIGCONT to every process of every lab-* unit. sshd keeps answering, so heal can undo it.
 * - state: answers over SSH → running (paused if every lab unit's main process is stopped); else stopped.
 */
export class SshNodeControl implements NodeControl {
  constructor(
    private readonly inventory: Inventory,
    private readonly endpoints: ReadonlyMap<string, SshEndpoint>,
    private readonly powerTimeoutMs = 120_000,
  ) {}

  async kill(node: string): Promise<void> {
    const command = inventoryNode(this.inventory, node).powerOff;
    if (!command) {
      throw new UnsupportedFaultError(
        `cannot power off node ${node}: the inventory gives no powerOff command for it. ` +
          `Add nodes.${node}.powerOff (run on this machine, e.g. "ipmitool -I lanplus -H <bmc> -U admin -E chassis power off") to ${this.inventory.source}.`,
      );
    }
    await this.runLocal(node, "powerOff", command);
  }

  powerCut(node: string): Promise<void> {
    return this.kill(node);
  }

  async stop(node: string): Promise<void> {
    await this.units(node, "stop", `systemctl stop "$1*.service"`);
  }

  async start(node: string): Promise<void> {
    if (!(await this.answers(node))) {
      const command = inventoryNode(this.inventory, node).powerOn;
      if (!command) {
        throw new UnsupportedFaultError(
          `cannot start node ${node}: it does not answer over SSH and the inventory gives no powerOn command for it. Add nodes.${node}.powerOn to ${this.inventory.source}.`,
        );
      }
      await this.runLocal(node, "powerOn", command);
      // A powered-on machine boots on its own time: its enabled lab units start by themselves.
      return;
    }
    await this.units(node, "start", `systemctl start $(systemctl list-unit-files --no-legend --state=enabled --type=service "$1*" | awk '{print $1}')`);
  }

  async pause(node: string): Promise<void> {
    await this.units(node, "pause", `systemctl kill --signal=STOP "$1*.service"`);
  }

  async unpause(node: string): Promise<void> {
    await this.units(node, "unpause", `systemctl kill --signal=CONT "$1*.service"`);
  }

  async state(node: string): Promise<NodePowerState> {
    const result = await this.endpoint(node).exec(["sh", "-c", PAUSED_STATE, "sh", UNIT_PREFIX], { timeoutMs: 15_000 });
    if (result.exitCode !== 0) return "stopped";
    return result.stdout.trim() === "paused" ? "paused" : "running";
  }

  private endpoint(node: string): SshEndpoint {
    const endpoint = this.endpoints.get(node);
    if (!endpoint) throw new Error(`no node '${node}' in the inventory ${this.inventory.source}`);
    return endpoint;
  }

  private async answers(node: string): Promise<boolean> {
    return (await this.endpoint(node).exec(["true"], { timeoutMs: 15_000 })).exitCode === 0;
  }

  private async units(node: string, verb: string, script: string): Promise<void> {
    const result = await this.endpoint(node).exec(["sh", "-c", script, "sh", UNIT_PREFIX], { timeoutMs: 120_000 });
    if (result.exitCode !== 0) throw new Error(`cannot ${verb} node ${node} (its lab-* units): ${(result.stderr || result.stdout).trim()}`);
  }

  private async runLocal(node: string, what: string, command: string): Promise<void> {
    const result = await $({ nothrow: true, quiet: true, timeout: this.powerTimeoutMs })`sh -c ${command}`;
    if (result.exitCode !== 0) {
      throw new Error(`the ${what} command for node ${node} failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    }
  }
}

// Prints "paused" when every running lab unit's main process is stopped (state T), else "running".
const PAUSED_STATE = `total=0; stopped=0
for unit in $(systemctl list-units --plain --no-legend --state=active --type=service "$1*" | awk '{print $1}'); do
  pid=$(systemctl show -p MainPID --value "$unit")
  [ "$pid" -gt 0 ] 2>/dev/null || continue
  total=$((total + 1))
  case "$(ps -o stat= -p "$pid")" in T*) stopped=$((stopped + 1)) ;; esac
done
if [ "$total" -gt 0 ] && [ "$stopped" -eq "$total" ]; then echo paused; else echo running; fi`;
