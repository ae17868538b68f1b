import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { converge, ConvergeError, PATHS, STAGES, type LabSecrets, type OdooDatabaseCache, type ProgressEvent } from "@odoo-ha-lab/roles";
import { RecordingHost, type Host } from "@odoo-ha-lab/machine";
import { labInterfaceAddress, type Topology } from "@odoo-ha-lab/topology";
import { checkNode, type NodeCheck } from "./check.ts";
import type { Inventory } from "./inventory.ts";
import { inventoryNode } from "./inventory.ts";
import { SshEndpoint, type SshPaths } from "./openssh.ts";
import { preflight, preflightNode, PreflightError, type NodeFacts } from "./preflight.ts";
import { OdooSourceForMachines } from "./odoo-install.ts";
import { provisionNode, LAB_WAIT_MOUNT_PATH, TMPFILES_PATH, type ProvisionAssets } from "./provision.ts";
import { SshHost } from "./ssh-host.ts";
import { UNIT_DIR, UNIT_PREFIX } from "./systemd-services.ts";

export interface SshUpOptions {
  secrets: LabSecrets;
  assets: ProvisionAssets;
  progress: (event: ProgressEvent) => void;
  /** Multiplies every converge wait (real hardware, slow disks). Default 2. */
  timeoutScale?: number;
  /** Where a new lab's database comes from when a snapshot for this Odoo source is kept (and goes to when not). */
  databaseCache?: OdooDatabaseCache;
}

/** What `up` did on one node. */
export interface NodeUpSummary {
  node: string;
  installed: string[];
  /** Provisioning changes (users, directories, Debian units) and role files written. */
  files: string[];
  services: string[];
  changed: boolean;
}

export interface SshDownResult {
  nodes: { node: string; stopped: string[]; purged: boolean }[];
  unreachable: { node: string; reason: string }[];
}

/** Stages of an SSH `up`, in order; a failure reports how far each node got. */
const UP_STAGES: readonly string[] = ["preflight", "provision", ...STAGES.map((stage) => stage.name)];

export class SshUpError extends Error {
  constructor(
    readonly stage: string,
    readonly completed: Record<string, string[]>,
    readonly changedNodes: string[],
    cause: Error,
  ) {
    const done = Object.entries(completed)
      .filter(([, nodes]) => nodes.length > 0)
      .map(([name, nodes]) => `${name} (${nodes.join(", ")})`);
    const reached = UP_STAGES.indexOf(stage);
    // (stages run side by side: one after the failed stage in the list may have completed)
    const notReached = reached >= 0 ? UP_STAGES.slice(reached + 1).filter((name) => (completed[name]?.length ?? 0) === 0) : [];
    super(
      `lab up --target ssh failed in stage '${stage}': ${cause.message}\n` +
        `  completed: ${done.join("; ") || "nothing"}\n` +
        (notReached.length ? `  not reached: ${notReached.join(", ")}\n` : "") +
        `  nodes changed before the failure: ${changedNodes.join(", ") || "none"}\n` +
        "  Fix the cause and run the same `lab up` again: it is idempotent and finishes what is missing.",
      { cause },
    );
    this.name = "SshUpError";
  }
}

/**
 * The SSH target: machines someone else made (servers, VMs), reached over OpenSSH; the lab installs
 * what each node's roles need and converges the same role plans as on Docker, as systemd units.
 */
export class SshLab {
  readonly endpoints: Map<string, SshEndpoint>;
  /** The Odoo source the app machines install (read once, for every machine and the database cache's key). */
  readonly odooSource: OdooSourceForMachines | undefined;

  constructor(
    readonly topology: Topology,
    readonly inventory: Inventory,
    /** .lab/<lab>: known_hosts, ssh sockets, the nodes' interfaces. */
    readonly stateDir: string,
  ) {
    const paths: SshPaths = { labKnownHosts: join(stateDir, "known_hosts"), socketDir: join(stateDir, "ssh") };
    this.endpoints = new Map(topology.nodes.map((node) => [node.name, new SshEndpoint(inventoryNode(inventory, node.name), paths)]));
    this.odooSource = topology.odoo.source ? new OdooSourceForMachines(topology.odoo.source) : undefined;
  }

  private get factsPath(): string {
    return join(this.stateDir, "ssh-nodes.json");
  }

  /** Up before, from this machine (the nodes' lab interfaces are remembered). */
  async exists(): Promise<boolean> {
    return existsSync(this.factsPath);
  }

  private rememberedInterfaces(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.factsPath, "utf8")) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private remember(facts: Map<string, NodeFacts>): void {
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(this.factsPath, `${JSON.stringify(Object.fromEntries([...facts].map(([node, fact]) => [node, fact.interfaceName])), null, 2)}\n`);
  }

  /** One host per node. The lab interface comes from the last `up` (or is asked of the node). */
  async hosts(): Promise<Map<string, SshHost>> {
    const known = this.rememberedInterfaces();
    const entries = await Promise.all(
      this.topology.nodes.map(async (node) => {
        const endpoint = this.endpoints.get(node.name)!;
        const interfaceName = known[node.name] ?? (await this.detectInterface(endpoint, labInterfaceAddress(this.topology, node))) ?? "unknown";
        return [node.name, new SshHost(endpoint, interfaceName)] as const;
      }),
    );
    return new Map(entries);
  }

  private async detectInterface(endpoint: SshEndpoint, address: string): Promise<string | undefined> {
    const result = await endpoint.exec(["ip", "-o", "-4", "addr", "show"], { timeoutMs: 20_000 }).catch(() => undefined);
    const line = result?.stdout.split("\n").find((candidate) => candidate.includes(` inet ${address}/`));
    return line?.split(/\s+/)[1]?.replace(/@.*$/, "");
  }

  /** Which nodes answer over SSH right now. */
  async machines(): Promise<{ node: string; endpoint: string; state: "reachable" | "unreachable"; detail: string }[]> {
    return Promise.all(
      this.topology.nodes.map(async (node) => {
        const endpoint = this.endpoints.get(node.name)!;
        const result = await endpoint.exec(["true"], { timeoutMs: 20_000 });
        return {
          node: node.name,
          endpoint: endpoint.address,
          state: result.exitCode === 0 ? ("reachable" as const) : ("unreachable" as const),
          detail: result.exitCode === 0 ? "" : (result.stderr.trim().split("\n").pop() ?? ""),
        };
      }),
    );
  }

  async up(options: SshUpOptions): Promise<NodeUpSummary[]> {
    const progress = options.progress;
    const completed: Record<string, string[]> = Object.fromEntries(UP_STAGES.map((stage) => [stage, [] as string[]]));
    const recording = new Map<string, RecordingHost>();
    const provisioned = new Map<string, { installed: string[]; changes: string[] }>();
    let stage: string = "preflight";
    const changedNodes = () =>
      this.topology.nodes
        .map((node) => node.name)
        .filter((name) => (provisioned.get(name)?.installed.length ?? 0) + (provisioned.get(name)?.changes.length ?? 0) > 0 || recording.get(name)?.changed);
    try {
      const facts = await preflight(this.topology, this.endpoints, (node, message) => progress({ stage: "preflight", node, message }));
      completed.preflight = this.topology.nodes.map((node) => node.name);
      this.remember(facts);

      stage = "provision";
      await Promise.all(
        this.topology.nodes.map(async (node) => {
          const host = new SshHost(this.endpoints.get(node.name)!, facts.get(node.name)!.interfaceName);
          const assets = { ...readAssets(options.assets), odooSource: this.odooSource };
          const result = await provisionNode(host, this.topology, node, assets, (message) => progress({ stage: "provision", node: node.name, message }));
          provisioned.set(node.name, result);
          completed.provision!.push(node.name);
          const said = [result.installed.length ? `installed ${result.installed.length} package(s)` : "packages present", ...result.changes];
          progress({ stage: "provision", node: node.name, message: said.join(", ") });
          recording.set(node.name, new RecordingHost(host));
        }),
      );

      await converge({
        topology: this.topology,
        hosts: recording as Map<string, Host>,
        secrets: options.secrets,
        timeoutScale: options.timeoutScale ?? 2,
        ...(options.databaseCache ? { databaseCache: options.databaseCache } : {}),
        progress: (event) => {
          if (event.message === "begin") stage = event.stage;
          else if (event.node && completed[event.stage] && !completed[event.stage]!.includes(event.node)) completed[event.stage]!.push(event.node);
          progress(event);
        },
      });
    } catch (error) {
      if (error instanceof PreflightError) throw error;
      // Stages run side by side: the failed one is the converge's word, not the last one begun.
      throw new SshUpError(error instanceof ConvergeError ? error.stage : stage, completed, changedNodes(), error as Error);
    }
    return this.topology.nodes.map((node) => {
      const provision = provisioned.get(node.name)!;
      const host = recording.get(node.name)!;
      const files = [...provision.changes, ...host.changes.files.map((path) => `wrote ${path}`)];
      return { node: node.name, installed: provision.installed, files, services: host.changes.services, changed: provision.installed.length + files.length + host.changes.services.length > 0 };
    });
  }

  /** `up --check`: what `up` would change on each node, read-only. */
  async check(options: { secrets: LabSecrets; assets: ProvisionAssets }): Promise<NodeCheck[]> {
    const outcomes = await Promise.all(this.topology.nodes.map(async (node) => ({ node, ...(await preflightNode(this.topology, node, this.endpoints.get(node.name)!)) })));
    const problems = outcomes.flatMap((outcome) => outcome.problems);
    if (problems.length > 0) throw new PreflightError(problems);
    return Promise.all(
      outcomes.map(({ node, facts }) => {
        const host = new SshHost(this.endpoints.get(node.name)!, facts!.interfaceName);
        return checkNode(host, this.topology, node, options.secrets, { ...readAssets(options.assets), odooSource: this.odooSource });
      }),
    );
  }

  /**
   * Stops and disables the lab's services on every reachable node. Data, configs and units stay
   * unless `purge`: then they go too (packages stay installed).
   */
  async down(options: { purge?: boolean } = {}): Promise<SshDownResult> {
    const result: SshDownResult = { nodes: [], unreachable: [] };
    const purgePaths = [
      PATHS.postgresDataDir,
      PATHS.etcdDataDir,
      PATHS.glusterBrickRoot,
      "/var/lib/glusterd",
      PATHS.patroniConfig,
      PATHS.etcdConfig,
      PATHS.haproxyConfig,
      PATHS.keepalivedConfig,
      PATHS.keepalivedCheckScript,
      PATHS.keepalivedLeaveScript,
      PATHS.odooConfig,
      TMPFILES_PATH,
      LAB_WAIT_MOUNT_PATH,
      "/var/log/lab",
    ];
    await Promise.all(
      this.topology.nodes.map(async (node) => {
        const endpoint = this.endpoints.get(node.name)!;
        const stopped = await endpoint.exec(["sh", "-c", STOP_LAB_UNITS, "sh", UNIT_PREFIX], { timeoutMs: 180_000 });
        if (stopped.exitCode !== 0) {
          result.unreachable.push({ node: node.name, reason: (stopped.stderr || stopped.stdout).trim().split("\n").pop() ?? `exit ${stopped.exitCode}` });
          return;
        }
        const units = stopped.stdout.split("\n").map((line) => line.trim()).filter(Boolean);
        if (options.purge) {
          const purged = await endpoint.exec(["sh", "-c", PURGE, "sh", UNIT_DIR, UNIT_PREFIX, PATHS.odooDataDir, ...purgePaths], { timeoutMs: 180_000 });
          if (purged.exitCode !== 0) throw new Error(`on ${node.name}: purging the lab's data failed: ${purged.stderr.trim()}`);
        }
        result.nodes.push({ node: node.name, stopped: units, purged: options.purge ?? false });
        await endpoint.closeMaster().catch(() => undefined);
      }),
    );
    if (options.purge && result.unreachable.length === 0) rmSync(this.factsPath, { force: true });
    return result;
  }
}

/** Reads the local asset files. */
function readAssets(assets: ProvisionAssets): { labWaitMount: string } {
  return { labWaitMount: readFileSync(assets.labWaitMount, "utf8") };
}

// $1 unit prefix. Stops and disables every lab unit; prints their names.
const STOP_LAB_UNITS = `units=$(systemctl list-unit-files --no-legend --type=service "$1*" | awk '{print $1}')
[ -n "$units" ] || exit 0
systemctl disable --now --quiet $units
echo "$units"`;

// $1 unit dir, $2 prefix, $3 the shared filestore's mountpoint, then the paths to remove.
const PURGE = `set -e
unitdir=$1; prefix=$2; mnt=$3; shift 3
if mountpoint -q "$mnt"; then umount -l "$mnt"; fi
rm -f "$unitdir/$prefix"*.service
systemctl daemon-reload
systemctl reset-failed --quiet 2>/dev/null || true
for path in "$@"; do rm -rf -- "$path"; done`;
