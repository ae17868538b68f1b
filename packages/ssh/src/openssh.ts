import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PidThenOutput, pidReportingCommand, shellCommand, shellQuote, type ExecOptions, type ExecResult, type RunningCommand } from "@odoo-ha-lab/machine";
import type { InventoryNode } from "./inventory.ts";

/**
 * One node's OpenSSH endpoint: builds the `ssh` command line (host key policy, multiplexing, sudo)
 * and runs commands through it. Commands are argv arrays, quoted for the remote shell here and
 * nowhere else. Environment variables travel on stdin, never on a command line (PGPASSWORD must not
 * show in `ps` on either machine).
 */

export interface SshPaths {
  /** The lab's own known_hosts, where keys are pinned on first contact (unless the inventory names one). */
  labKnownHosts: string;
  /** Folder for the ControlMaster sockets and the masters' logs. */
  socketDir: string;
}

/** Unix sockets are limited to 108 bytes; ssh appends ~17 characters while it creates one. */
const MAX_SOCKET_PATH = 88;
const CONTROL_PERSIST_SECONDS = 300;
const DEFAULT_TIMEOUT_MS = 120_000;

export class SshEndpoint {
  private master: Promise<void> | undefined;

  constructor(
    readonly entry: InventoryNode,
    readonly paths: SshPaths,
  ) {}

  get node(): string {
    return this.entry.node;
  }

  /** user@host:port, for messages. */
  get address(): string {
    return `${this.entry.user}@${this.entry.host}${this.entry.port === 22 ? "" : `:${this.entry.port}`}`;
  }

  /** The host key policy: the user's known_hosts strictly, or pin on first contact into the lab's own. */
  get knownHostsFile(): string {
    return this.entry.knownHosts ?? this.paths.labKnownHosts;
  }

  get pinsOnFirstContact(): boolean {
    return this.entry.knownHosts === undefined;
  }

  /**
   * The control socket: short and named by everything that decides who we are on the other side,
   * so an inventory with another key or user never rides on a connection made with the old one.
   */
  get controlPath(): string {
    const { host, port, user, identityFile, knownHosts, sudo } = this.entry;
    const id = createHash("sha256").update(JSON.stringify([host, port, user, identityFile ?? "", knownHosts ?? "", sudo])).digest("hex");
    const path = join(this.paths.socketDir, `${this.entry.node}-${id.slice(0, 10)}`);
    return path.length <= MAX_SOCKET_PATH ? path : join(tmpdir(), `lab-ssh-${id.slice(0, 16)}`);
  }

  /** ssh's options, without the command. `multiplex`: ride on (never become) the control master. */
  sshOptions(multiplex: "use" | "none" | "become-master"): string[] {
    const { port, user, identityFile } = this.entry;
    const options = [
      "-o", "BatchMode=yes",
      "-o", "ConnectTimeout=10",
      "-o", "ServerAliveInterval=5",
      "-o", "ServerAliveCountMax=3",
      "-o", `StrictHostKeyChecking=${this.pinsOnFirstContact ? "accept-new" : "yes"}`,
      "-o", `UserKnownHostsFile=${this.knownHostsFile}`,
      "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "LogLevel=ERROR",
      "-p", String(port),
      "-l", user,
    ];
    if (identityFile) options.push("-i", identityFile, "-o", "IdentitiesOnly=yes");
    if (multiplex === "none") options.push("-o", "ControlMaster=no", "-o", "ControlPath=none");
    else if (multiplex === "use") options.push("-o", "ControlMaster=no", "-o", `ControlPath=${this.controlPath}`);
    else options.push("-o", "ControlMaster=yes", "-o", `ControlPath=${this.controlPath}`, "-o", `ControlPersist=${CONTROL_PERSIST_SECONDS}`);
    return options;
  }

  /** The full argv of `ssh` running `command` on the node (as root: directly, or through `sudo -n`). */
  commandArgs(command: string[], options: { user?: string; withEnv: boolean; multiplex?: "use" | "none" }): string[] {
    return [...this.sshOptions(options.multiplex ?? "use"), "--", this.entry.host, remoteCommand(command, { sudo: this.entry.sudo, user: options.user, withEnv: options.withEnv })];
  }

  /**
   * Starts the control master once (ssh -f: it forks after authenticating, with no stdio of ours
   * held open) so every later command rides on one TCP+SSH session. If it cannot start, commands
   * still work, each with a connection of its own.
   */
  ensureMaster(): Promise<void> {
    this.master ??= this.startMaster();
    return this.master;
  }

  private async startMaster(): Promise<void> {
    mkdirSync(this.paths.socketDir, { recursive: true, mode: 0o700 });
    const check = await runProcess("ssh", [...this.sshOptions("use"), "-O", "check", "--", this.entry.host], { timeoutMs: 10_000 });
    if (check.exitCode === 0) return;
    const log = `${this.controlPath}.log`;
    await runProcess("ssh", [...this.sshOptions("become-master"), "-E", log, "-f", "-N", "--", this.entry.host], { timeoutMs: 30_000, stdio: "ignore" });
  }

  async exec(command: string[], options: ExecOptions & { multiplex?: "use" | "none" } = {}): Promise<ExecResult> {
    const multiplex = options.multiplex ?? "use";
    if (multiplex === "use") await this.ensureMaster();
    const withEnv = options.env !== undefined && Object.keys(options.env).length > 0;
    const args = this.commandArgs(command, { ...(options.user ? { user: options.user } : {}), withEnv, multiplex });
    let input: Buffer | undefined;
    if (withEnv || options.stdin !== undefined) input = Buffer.concat([Buffer.from(withEnv ? `${envLine(options.env!)}\n` : ""), Buffer.from(options.stdin ?? "")]);
    const result = await runProcess("ssh", args, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(input !== undefined ? { input } : {}) });
    return result;
  }

  /**
   * Starts a long-lived command and hands over its stdout as it comes (one ssh process, riding on the
   * control master). `ssh` ending does not end the remote command until it next writes (SIGPIPE), so
   * `stop()` kills it on the node first (see pidReportingCommand).
   */
  async spawn(command: string[], onStdout: (text: string) => void, stopTimeoutMs: number): Promise<RunningCommand> {
    await this.ensureMaster();
    const child = spawn("ssh", this.commandArgs(pidReportingCommand(command), { withEnv: false }), { stdio: ["ignore", "pipe", "ignore"] });
    const output = new PidThenOutput(onStdout);
    child.stdout.on("data", (chunk: Buffer) => output.write(chunk.toString()));
    const ended = new Promise<void>((resolve) => {
      child.on("close", () => resolve());
      child.on("error", () => resolve());
    });
    return {
      ended,
      stop: async () => {
        if (output.pid) await this.exec(["kill", "-TERM", output.pid], { timeoutMs: stopTimeoutMs }).catch(() => undefined);
        child.kill("SIGKILL");
        await ended;
      },
    };
  }

  /** Closes the control master (e.g. after `down`). */
  async closeMaster(): Promise<void> {
    await runProcess("ssh", [...this.sshOptions("use"), "-O", "exit", "--", this.entry.host], { timeoutMs: 10_000 });
    this.master = undefined;
  }

  /** The last lines the master wrote (why it could not connect). */
  masterLog(): string {
    try {
      return readFileSync(`${this.controlPath}.log`, "utf8").trim().split("\n").slice(-5).join("\n");
    } catch {
      return "";
    }
  }
}

/**
 * The remote side, run by the login shell: `[sudo -n --] sh -c WRAPPER sh <user> <env?> argv...`.
 * WRAPPER reads one line of base64 `export` statements from stdin when told to (the rest of stdin
 * stays the command's), then drops to <user> with setpriv, which keeps the environment (runuser
 * would reset HOME), as `docker exec --user` does.
 */
const WRAPPER = `u=$1; e=$2; shift 2
if [ -n "$u" ] && [ "$u" != root ]; then
  HOME=$(getent passwd "$u" | cut -d: -f6); export HOME
fi
if [ "$e" = 1 ]; then IFS= read -r line; eval "$(printf '%s' "$line" | base64 -d)"; fi
if [ -n "$u" ] && [ "$u" != root ]; then exec setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"; fi
exec "$@"`;

export function remoteCommand(command: string[], options: { sudo: boolean; user?: string | undefined; withEnv: boolean }): string {
  const argv = [...(options.sudo ? ["sudo", "-n", "--"] : []), "sh", "-c", WRAPPER, "sh", options.user ?? "", options.withEnv ? "1" : "0", ...command];
  return shellCommand(argv);
}

/** `export K='v'` lines, base64 on one line: no value ever reaches a command line. */
export function envLine(env: Record<string, string>): string {
  const script = Object.entries(env)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name '${key}'`);
      return `export ${key}=${shellQuote(value)}`;
    })
    .join("\n");
  return Buffer.from(script).toString("base64");
}

export interface ProcessOptions {
  timeoutMs: number;
  input?: string | Buffer;
  stdio?: "pipe" | "ignore";
}

/** Runs a local process; a timeout kills it and returns exit code 124, as `timeout(1)` does. */
export function runProcess(file: string, args: string[], options: ProcessOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const ignore = options.stdio === "ignore";
    const child = spawn(file, args, { stdio: [options.input === undefined ? "ignore" : "pipe", ignore ? "ignore" : "pipe", ignore ? "ignore" : "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stdout: "", stderr: `cannot run ${file}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      if (timedOut) resolve({ exitCode: 124, stdout: Buffer.concat(out).toString(), stderr: `${stderr}\n(timed out after ${options.timeoutMs} ms)` });
      else resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr });
    });
    if (options.input !== undefined && child.stdin) {
      // The remote command may exit before reading all its input: that is its business, not an error here.
      child.stdin.on("error", () => {});
      child.stdin.end(options.input);
    }
  });
}
