import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { installLocalPackages } from "@odoo-ha-lab/roles";
import Dockerode from "dockerode";

/**
 * Find a Docker engine, or (on a Debian/Ubuntu machine, as root, when asked) install docker.io and
 * start dockerd ourselves: the lab machines have no systemd to do it for us.
 */

export const DOCKERD_LOG = "/var/log/odoo-ha-lab-dockerd.log";
const START_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;

export interface EnsureDockerEngineOptions {
  /** Allowed to apt-get install docker.io and start dockerd when no engine answers. */
  install: boolean;
  onProgress?: (message: string) => void;
}

export class DockerEngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DockerEngineUnavailableError";
  }
}

export async function ensureDockerEngine(options: EnsureDockerEngineOptions): Promise<Dockerode> {
  const progress = options.onProgress ?? (() => {});
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const docker = new Dockerode(); // honours DOCKER_HOST, else /var/run/docker.sock
  const endpoint = process.env.DOCKER_HOST ?? "/var/run/docker.sock";

  const firstPing = await ping(docker);
  if (firstPing === true) return docker;

  const cannotInstall = whyWeCannotInstall(options.install);
  if (cannotInstall) {
    throw new DockerEngineUnavailableError(
      `No Docker engine answers at ${endpoint} (${firstPing}). ${cannotInstall} ` +
        "On Debian/Ubuntu as root run `pnpm lab setup` (installs docker.io and starts dockerd); " +
        "elsewhere install Docker and start it, or set DOCKER_HOST.",
    );
  }

  const missing = missingPackages();
  if (missing.length > 0) {
    progress(`apt-get install ${missing.join(" ")} [${elapsed()}]`);
    // Recommends bring debian-archive-keyring, which debootstrap needs.
    const installed = installLocalPackages(missing, { recommends: true });
    if (!installed.ok) {
      throw new DockerEngineUnavailableError(
        `\`apt-get install ${missing.join(" ")}\` failed (exit code ${installed.status}):\n${installed.output}\n` +
          "Fix the apt problem shown above (network? a broken dpkg state: `dpkg --configure -a`) and run `pnpm lab setup` again.",
      );
    }
    progress(`installed ${missing.join(" ")} [${elapsed()}]`);
  }

  const running = runningDockerdPid();
  if (running) progress(`dockerd (pid ${running}) is already starting; waiting for it [${elapsed()}]`);
  else progress(`starting dockerd (log: ${DOCKERD_LOG}) [${elapsed()}]`);
  const dockerd = running ? { exitCode: null } : startDockerd();
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastSeen = "not started";
  for (;;) {
    const answer = await ping(docker);
    if (answer === true) {
      progress(`dockerd answers [${elapsed()}]`);
      return docker;
    }
    lastSeen = answer;
    if (dockerd.exitCode !== null) {
      throw new DockerEngineUnavailableError(
        `dockerd exited with code ${dockerd.exitCode} before it answered. Last lines of ${DOCKERD_LOG}:\n${tail(DOCKERD_LOG, 15)}\n` +
          "Fix what the log names (another dockerd running? missing kernel support?) and run `pnpm lab setup` again.",
      );
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new DockerEngineUnavailableError(
    `dockerd was started but did not answer at ${endpoint} within ${START_TIMEOUT_MS / 1000} s (last error: ${lastSeen}). ` +
      `Last lines of ${DOCKERD_LOG}:\n${tail(DOCKERD_LOG, 15)}`,
  );
}

/** true when the engine answers, else the reason it did not. */
async function ping(docker: Dockerode): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("no answer within 3 s"), 3_000);
  });
  try {
    return await Promise.race([docker.ping().then(() => true as const), timeout]);
  } catch (error) {
    return (error as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

/** undefined when we may install and start dockerd here, else why not (a sentence). */
function whyWeCannotInstall(install: boolean): string | undefined {
  if (!install) return "Nothing was installed or started because this command does not set up the engine.";
  if (process.env.DOCKER_HOST) return "DOCKER_HOST is set, so no local dockerd was started: start the engine it names, or unset it.";
  if (process.getuid?.() !== 0) return "Installing and starting dockerd needs root.";
  const osRelease = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "";
  if (!/^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease)) return "Automatic installation only knows Debian and Ubuntu.";
  return undefined;
}

function missingPackages(): string[] {
  const wanted: Array<[command: string, pkg: string]> = [
    ["dockerd", "docker.io"],
    ["debootstrap", "debootstrap"], // builds the offline base image (see images.ts)
  ];
  return wanted.filter(([command]) => !commandExists(command)).map(([, pkg]) => pkg);
}

export function commandExists(command: string): boolean {
  // root's PATH may lack the sbin directories when run through sudo or pnpm
  const path = `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin`;
  return spawnSync("sh", ["-c", `command -v ${command}`], { env: { ...process.env, PATH: path } }).status === 0;
}

function startDockerd(): { readonly exitCode: number | null } {
  const log = openSync(DOCKERD_LOG, "a");
  const child = spawn("dockerd", [], {
    detached: true, // outlives this process: the engine is machine-wide, not per command
    stdio: ["ignore", log, log],
    env: { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin` },
  });
  closeSync(log);
  const state = { exitCode: null as number | null };
  child.on("exit", (code, signal) => {
    state.exitCode = code ?? (signal ? 128 : 1);
  });
  child.on("error", () => {
    state.exitCode = 127;
  });
  child.unref();
  return state;
}

/** dockerd writes its pid file early: a live pid there means one is still starting up, do not start a second. */
function runningDockerdPid(): number | undefined {
  const pidFile = "/var/run/docker.pid";
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  const command = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, "utf8").trim() : "";
  return command === "dockerd" ? pid : undefined;
}

function tail(path: string, lines: number): string {
  if (!existsSync(path)) return "(no log)";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
