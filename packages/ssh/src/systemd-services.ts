import { HostCommandError, waitFor, type Host, type ServiceDefinition, type ServiceManager, type ServiceState } from "@odoo-ha-lab/machine";

/**
 * Services on a real host are systemd units, one per service: /etc/systemd/system/lab-<name>.service.
 * Restart=always with a short RestartSec plays supervisord's autorestart, so a killed service comes
 * back as it does in the Docker lab; systemd's control group is what `kill` reaches.
 */

export const UNIT_PREFIX = "lab-";
export const UNIT_DIR = "/etc/systemd/system";

export function unitName(service: string): string {
  return `${UNIT_PREFIX}${service}.service`;
}

export function unitPath(service: string): string {
  return `${UNIT_DIR}/${unitName(service)}`;
}

export function renderUnit(service: ServiceDefinition): string {
  const stopSignal = service.stopSignal ?? "TERM";
  const environment = Object.entries(service.environment ?? {}).map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`);
  return [
    "# Written by odoo-ha-lab: the lab's service, managed by `pnpm lab up/down --target ssh`.",
    "[Unit]",
    `Description=odoo-ha-lab ${service.name}`,
    "After=network-online.target",
    "Wants=network-online.target",
    // Never give up restarting, as supervisord's autorestart with startretries=100000.
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${service.command.map(systemdQuote).join(" ")}`,
    ...(service.user ? [`User=${service.user}`] : []),
    ...environment,
    `WorkingDirectory=${service.directory ?? "/"}`,
    "Restart=always",
    "RestartSec=1",
    `KillSignal=SIG${stopSignal}`,
    // A service stopped by SIGINT (Patroni) shuts its children down itself; signal the whole group only with SIGKILL.
    `KillMode=${stopSignal === "TERM" && !service.stopsItsChildren ? "control-group" : "mixed"}`,
    `TimeoutStopSec=${service.stopTimeoutSeconds ?? 10}`,
    "SendSIGKILL=yes",
    `SyslogIdentifier=${UNIT_PREFIX}${service.name}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** systemd's command-line quoting: double quotes, backslash escapes; `%` and `$` are specifiers/variables there. */
export function systemdQuote(argument: string): string {
  const escaped = argument.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export interface UnitStatus {
  loaded: boolean;
  enabled: boolean;
  activeState: string;
  subState: string;
  /** Seconds since the main process started (monotonic clock of the node). */
  runningForSeconds: number;
}

export function stateOf(status: Pick<UnitStatus, "loaded" | "activeState" | "subState">): ServiceState {
  if (!status.loaded) return "unknown";
  switch (status.activeState) {
    case "active":
      return status.subState === "running" ? "running" : "stopped";
    case "activating":
    case "reloading":
      return "starting";
    case "inactive":
    case "deactivating":
      return "stopped";
    case "failed":
      return "failed";
    default:
      return "unknown";
  }
}

// $1 unit. One round trip: properties, enablement, and the node's monotonic clock.
const STATUS = `systemctl show -p LoadState,ActiveState,SubState,UnitFileState,ExecMainStartTimestampMonotonic "$1"
echo "Uptime=$(cut -d' ' -f1 /proc/uptime)"`;

export function parseUnitStatus(output: string): UnitStatus {
  const values = new Map(
    output
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
  );
  const started = Number(values.get("ExecMainStartTimestampMonotonic") ?? 0) / 1e6;
  const uptime = Number(values.get("Uptime") ?? 0);
  return {
    loaded: values.get("LoadState") === "loaded",
    enabled: values.get("UnitFileState") === "enabled",
    activeState: values.get("ActiveState") ?? "unknown",
    subState: values.get("SubState") ?? "unknown",
    runningForSeconds: started > 0 ? uptime - started : 0,
  };
}

export class SystemdServices implements ServiceManager {
  constructor(private readonly host: Host) {}

  async apply(service: ServiceDefinition): Promise<boolean> {
    const unit = unitName(service.name);
    const changed = await this.host.writeFile({ path: unitPath(service.name), content: renderUnit(service), mode: 0o644 });
    if (changed) {
      await this.systemctl(["daemon-reload"]);
      const before = await this.status(service.name);
      await this.systemctl(["enable", unit]);
      // A changed definition takes effect only by a restart; a new one just starts.
      await this.systemctl([before.activeState === "active" ? "restart" : "start", unit]);
      await this.waitStarted(service.name);
      return true;
    }
    // Defined already: make sure it is enabled and runs (e.g. after `lab down`, which stops and disables).
    const status = await this.status(service.name);
    if (status.enabled && stateOf(status) === "running") return false;
    if (!status.enabled) await this.systemctl(["enable", unit]);
    if (stateOf(status) !== "running") {
      await this.systemctl(["start", unit]);
      await this.waitStarted(service.name);
    }
    return true;
  }

  async start(name: string): Promise<void> {
    await this.systemctl(["start", unitName(name)]);
    await this.waitStarted(name);
  }

  async stop(name: string): Promise<void> {
    await this.systemctl(["stop", unitName(name)]);
  }

  async restart(name: string): Promise<void> {
    await this.systemctl(["restart", unitName(name)]);
    await this.waitStarted(name);
  }

  async reload(name: string, signal: "HUP" | "USR2"): Promise<void> {
    await this.systemctl(["kill", `--signal=${signal}`, "--kill-whom=main", unitName(name)]);
  }

  async kill(name: string): Promise<void> {
    await this.systemctl(["kill", "--signal=KILL", unitName(name)]);
  }

  async state(name: string): Promise<ServiceState> {
    return stateOf(await this.status(name));
  }

  /** One `systemctl show` for all of them (one SSH round trip): its answer is a block per unit, in order. */
  async states(names: string[]): Promise<ServiceState[]> {
    if (names.length === 0) return [];
    const command = ["systemctl", "show", "-p", "LoadState,ActiveState,SubState", ...names.map(unitName)];
    const result = await this.host.exec(command);
    if (result.exitCode !== 0) throw new HostCommandError(this.host.node, command, result);
    const blocks = result.stdout.trim().split(/\n\s*\n/);
    return names.map((_, index) => stateOf(parseUnitStatus(blocks[index] ?? "")));
  }

  async logs(name: string, lines: number): Promise<string> {
    const result = await this.host.exec(["journalctl", "-u", unitName(name), "-n", String(lines), "--no-pager", "-o", "short-iso"]);
    return result.stdout;
  }

  async status(name: string): Promise<UnitStatus> {
    const result = await this.host.exec(["sh", "-c", STATUS, "sh", unitName(name)]);
    if (result.exitCode !== 0) throw new HostCommandError(this.host.node, ["systemctl", "show", unitName(name)], result);
    return parseUnitStatus(result.stdout);
  }

  /** "Started" means running for a second without a restart, as supervisord's startsecs=1. */
  private async waitStarted(name: string): Promise<void> {
    let state: ServiceState = "unknown";
    try {
      await waitFor(`service ${name} on ${this.host.node} to run`, async () => {
        const status = await this.status(name);
        state = stateOf(status);
        if (state === "running" && status.runningForSeconds >= 1) return { done: true, value: undefined };
        return { done: false, observation: `${status.activeState}/${status.subState}` };
      }, { timeoutMs: 60_000, intervalMs: 250 });
    } catch (error) {
      throw new Error(`${(error as Error).message}. Last log lines:\n${await this.logs(name, 20)}`);
    }
  }

  private async systemctl(args: string[]): Promise<void> {
    const command = ["systemctl", ...args];
    const result = await this.host.exec(command, { timeoutMs: 120_000 });
    if (result.exitCode !== 0) throw new HostCommandError(this.host.node, command, result);
  }
}
