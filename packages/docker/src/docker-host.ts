import { createHash } from "node:crypto";
import { posix } from "node:path";
import type Dockerode from "dockerode";
import { pack } from "tar-stream";
import { PidThenOutput, pidReportingCommand, type ExecOptions, type ExecResult, type FileSpec, type Host, type RunningCommand, type ServiceManager } from "@odoo-ha-lab/machine";
import { SupervisorServices } from "./supervisor.ts";
import { ExecAgent } from "./exec-agent.ts";

/** A lab node as a Docker container: exec through the engine API, files through archives. */
export class DockerHost implements Host {
  /** The lab interface: the one on the VIP's network (keepalived's, and the network faults'). */
  readonly interfaceName: string;
  // `docker exec` on two loaded cores has been measured at several seconds; a down node refuses at once.
  readonly silentAfterMs = 10_000;
  readonly services: ServiceManager;
  private agent: Promise<ExecAgent> | undefined;

  /**
   * `commandAgent`: run commands through one long-lived exec (see ExecAgent), for a burst of many
   * commands such as a converge; `close()` ends it. Without it (probes and faults during a run) each
   * command is its own exec, and a paused or stopped container refuses it at once.
   */
  constructor(
    private readonly docker: Dockerode,
    readonly node: string,
    readonly containerName: string,
    private readonly options: { commandAgent?: boolean; interfaceName?: string } = {},
  ) {
    this.services = new SupervisorServices(this);
    this.interfaceName = options.interfaceName ?? "eth0";
  }

  async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (!this.options.commandAgent) return this.execAlone(command, options);
    const agent = await this.liveAgent();
    return agent.exec(command, options);
  }

  /** Ends the command agent, if one runs; the commands in flight finish first. */
  close(): void {
    void this.agent?.then((agent) => agent.close(), () => undefined);
    this.agent = undefined;
  }

  /** The running agent, or a new one when there is none or it ended (its container restarted). */
  private async liveAgent(): Promise<ExecAgent> {
    const starting = (this.agent ??= ExecAgent.start(this.docker, this.containerName, this.node));
    const agent = await starting.catch((error: Error) => {
      if (this.agent === starting) this.agent = undefined;
      throw error;
    });
    if (agent.alive) return agent;
    if (this.agent === starting) this.agent = undefined;
    return this.liveAgent();
  }

  private async execAlone(command: string[], options: ExecOptions): Promise<ExecResult> {
    const container = this.docker.getContainer(this.containerName);
    const exec = await container.exec({
      Cmd: command,
      User: options.user ?? "root",
      Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
      AttachStdin: options.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Plain sinks, not PassThrough streams: a stream may emit its last chunk after `end`, and a
    // short command's final output would be lost.
    const sink = (chunks: Buffer[]) => ({ write: (chunk: Buffer) => chunks.push(chunk) }) as unknown as NodeJS.WritableStream;
    this.docker.modem.demuxStream(stream, sink(out), sink(err));
    if (options.stdin !== undefined) stream.end(options.stdin);

    const finished = new Promise<void>((resolve, reject) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", reject);
    });
    let timer: NodeJS.Timeout | undefined;
    const limit = options.timeoutMs ?? 120_000;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), limit);
    });
    const outcome = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      stream.destroy();
      return { exitCode: 124, stdout: Buffer.concat(out).toString(), stderr: `${Buffer.concat(err).toString()}\n(timed out after ${limit} ms)` };
    }
    const inspection = await exec.inspect();
    return { exitCode: inspection.ExitCode ?? 0, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  }

  async spawn(command: string[], onStdout: (text: string) => void): Promise<RunningCommand> {
    // The engine keeps an exec's process running when its client goes away, so stop() kills it inside the container.
    const exec = await this.docker.getContainer(this.containerName).exec({ Cmd: pidReportingCommand(command), AttachStdout: true, AttachStderr: false });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = new PidThenOutput(onStdout);
    const stdout = { write: (chunk: Buffer) => output.write(chunk.toString()) } as unknown as NodeJS.WritableStream;
    this.docker.modem.demuxStream(stream, stdout, { write: () => true } as unknown as NodeJS.WritableStream);
    const ended = new Promise<void>((resolve) => {
      stream.on("end", () => resolve());
      stream.on("close", () => resolve());
      stream.on("error", () => resolve());
    });
    return {
      ended,
      stop: async () => {
        if (output.pid) await this.exec(["kill", "-TERM", output.pid], { timeoutMs: this.silentAfterMs }).catch(() => undefined);
        stream.destroy();
      },
    };
  }

  async readFile(path: string): Promise<string | undefined> {
    const result = await this.exec(["cat", path]);
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  async writeFile(file: FileSpec): Promise<boolean> {
    return (await this.writeFiles([file]))[0]!;
  }

  /**
   * One exec compares every file (mode, owner, sha256); those that differ go in one archive, unpacked
   * at the root (the engine makes missing folders, as `mkdir -p` would), and one exec gives them their
   * owners. Each exec costs ~70 ms of CPU here (runc, containerd, dockerd): a folder and an owner per
   * file were ~60 execs of a new lab's ~220.
   */
  async writeFiles(files: FileSpec[]): Promise<boolean[]> {
    if (files.length === 0) return [];
    const current = await this.exec(["sh", "-c", DESCRIBE_FILES, "sh", ...files.map((file) => file.path)]);
    if (current.exitCode !== 0) throw new Error(`on ${this.node}: cannot read ${files.length} file(s) to compare: ${current.stderr.trim()}`);
    const lines = current.stdout.split("\n");
    const changed = files.map((file, index) => lines[index] !== describeFile(file));
    const toWrite = files.filter((_, index) => changed[index]);
    if (toWrite.length > 0) await this.putFiles(toWrite);
    return changed;
  }

  private async putFiles(files: FileSpec[]): Promise<void> {
    const archive = pack();
    for (const file of files) {
      if (!posix.isAbsolute(file.path)) throw new Error(`on ${this.node}: cannot write '${file.path}': a node's file path must be absolute`);
      archive.entry({ name: file.path.slice(1), mode: file.mode ?? 0o644 }, file.content);
    }
    archive.finalize();
    await this.docker.getContainer(this.containerName).putArchive(archive as unknown as NodeJS.ReadableStream, { path: "/" });
    const owned = files.filter((file) => (file.owner ?? "root") !== "root");
    if (owned.length === 0) return;
    const chown = await this.exec(["sh", "-c", 'while [ $# -gt 0 ]; do chown "$1" "$2" || exit; shift 2; done', "sh", ...owned.flatMap((file) => [file.owner!, file.path])]);
    if (chown.exitCode !== 0) throw new Error(`on ${this.node}: cannot give ${owned.map((file) => `${file.path} to ${file.owner}`).join(", ")}: ${chown.stderr.trim()}`);
  }
}

/** One line per path: "<octal mode> <owner> <sha256>", or "missing". */
const DESCRIBE_FILES = 'for f; do if [ -f "$f" ]; then echo "$(stat -c "%a %U" "$f") $(sha256sum < "$f" | cut -c1-64)"; else echo missing; fi; done';

/** The line DESCRIBE_FILES prints for the file as it should be. */
function describeFile(file: FileSpec): string {
  return `${(file.mode ?? 0o644).toString(8)} ${file.owner ?? "root"} ${createHash("sha256").update(file.content).digest("hex")}`;
}
