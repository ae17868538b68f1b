import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const VAGRANT_INSTALL_HINT =
  "install Vagrant: on Debian/Ubuntu from HashiCorp's apt repository (`apt-get install vagrant` after adding it), " +
  "or see https://developer.hashicorp.com/vagrant/install; or point VAGRANT_BIN at the binary";

/** The `vagrant` binary could not be started: the message says how to install it. */
export class VagrantNotFoundError extends Error {
  constructor(readonly binary: string) {
    super(`cannot run '${binary}'${binary === "vagrant" ? " (not on PATH)" : " (from VAGRANT_BIN)"}: ${VAGRANT_INSTALL_HINT}`);
    this.name = "VagrantNotFoundError";
  }
}

/** A vagrant command exited non-zero: its last lines of output are in the message. */
export class VagrantCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly output: string,
    readonly directory: string,
  ) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    super(`\`vagrant ${args.join(" ")}\` in ${directory} failed (exit ${exitCode ?? "by signal"})${tail ? `:\n${tail}` : ""}`);
    this.name = "VagrantCommandError";
  }
}

export interface VagrantCliOptions {
  /** The directory with the Vagrantfile (and Vagrant's own `.vagrant/` state). */
  directory: string;
  /** Default: `VAGRANT_BIN`, else `vagrant` from PATH. */
  binary?: string;
  /** Each line vagrant prints, as it prints it (stdout and stderr). */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export type MachineStates = Record<string, string>;

/** Runs the vagrant binary in one Vagrant directory. Nothing here starts a VM unless asked to by name. */
export class VagrantCli {
  readonly directory: string;
  readonly binary: string;
  private readonly onLine: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: VagrantCliOptions) {
    this.directory = options.directory;
    this.env = options.env ?? process.env;
    this.binary = options.binary ?? (this.env.VAGRANT_BIN || "vagrant");
    this.onLine = options.onLine ?? (() => {});
  }

  /** `vagrant up --provider P [machines]`: progress is streamed line by line. */
  async up(options: { provider: string; machines?: string[] }): Promise<void> {
    await this.run(["up", "--provider", options.provider, ...(options.machines ?? [])], { stream: true });
  }

  /** `vagrant ssh-config`: the OpenSSH client config of every running machine. */
  async sshConfig(machines: string[] = []): Promise<string> {
    return (await this.run(["ssh-config", ...machines], { stream: false })).stdout;
  }

  async destroy(machines: string[] = []): Promise<void> {
    await this.run(["destroy", "--force", ...machines], { stream: true });
  }

  async halt(machines: string[] = [], force = false): Promise<void> {
    await this.run(["halt", ...(force ? ["--force"] : []), ...machines], { stream: true });
  }

  /** `vagrant status --machine-readable`: machine name → state (running, poweroff, not_created, …). */
  async status(): Promise<MachineStates> {
    return parseMachineReadableStatus((await this.run(["status", "--machine-readable"], { stream: false })).stdout);
  }

  hasVagrantfile(): boolean {
    return existsSync(join(this.directory, "Vagrantfile"));
  }

  /** VAGRANT_CWD would make vagrant look elsewhere than the lab's directory. */
  private childEnv(): NodeJS.ProcessEnv {
    const { VAGRANT_CWD: _ignored, ...env } = this.env;
    return { ...env, VAGRANT_NO_COLOR: "1" };
  }

  private run(args: string[], options: { stream: boolean }): Promise<{ stdout: string; output: string }> {
    if (!this.hasVagrantfile()) {
      return Promise.reject(new Error(`no Vagrantfile in ${this.directory}: write one with \`pnpm lab vagrant init\` (or pass --vagrant-dir)`));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd: this.directory,
        env: this.childEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let output = "";
      const lineSplitter = () => {
        let partial = "";
        return {
          push: (chunk: string) => {
            const lines = (partial + chunk).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) if (options.stream && line.trim()) this.onLine(line.trimEnd());
          },
          flush: () => {
            if (options.stream && partial.trim()) this.onLine(partial.trimEnd());
          },
        };
      };
      const outLines = lineSplitter();
      const errLines = lineSplitter();
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        output += chunk;
        outLines.push(chunk);
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        errLines.push(chunk);
      });
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(error.code === "ENOENT" || error.code === "EACCES" ? new VagrantNotFoundError(this.binary) : error);
      });
      child.on("close", (code) => {
        outLines.flush();
        errLines.flush();
        if (code === 0) resolve({ stdout, output });
        else reject(new VagrantCommandError(args, code, output, this.directory));
      });
    });
  }
}

/**
 * `vagrant status --machine-readable` prints `timestamp,target,type,data...` lines; the `state` lines
 * carry each machine's state. Commas inside data are escaped as `%!(VAGRANT_COMMA)`.
 */
export function parseMachineReadableStatus(text: string): MachineStates {
  const states: MachineStates = {};
  for (const line of text.split(/\r?\n/)) {
    const [, target, type, ...data] = line.split(",");
    if (type === "state" && target && data[0]) states[target] = data[0].replace(/%!\(VAGRANT_COMMA\)/g, ",");
  }
  return states;
}
