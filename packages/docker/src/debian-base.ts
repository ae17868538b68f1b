import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { commandExists } from "./engine.ts";
import { BUILD_LOG_DIR, IMAGE_LABEL, IMAGE_REPOSITORY, imageId, seconds, tryPull, type EnsuredImage } from "./image-build.ts";

/**
 * The Debian base a lab image starts from, one per suite (bookworm, trixie). Docker Hub's
 * debian:<suite>-slim when we have it or can pull it; otherwise (the usual case: lab machines reach
 * only the apt mirror) a minbase debootstrap from the machine's own mirror, imported as an image.
 */

const PULL_TIMEOUT_MS = 15_000;
// Bump when the recipe below changes, so the tag changes with it.
const RECIPE = "debootstrap --variant=minbase v1";
const DEFAULT_MIRROR = "http://deb.debian.org/debian";
const IMAGE_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export async function ensureDebianBase(docker: Dockerode, suite: string, progress: (message: string) => void): Promise<EnsuredImage> {
  const started = Date.now();
  const upstream = `debian:${suite}-slim`;
  if (await imageId(docker, upstream)) {
    progress(`image base: using ${upstream}`);
    return { tag: upstream, built: false };
  }
  const mirror = aptMirror(suite);
  const hash = createHash("sha256").update(`${RECIPE}\n${suite}\n${mirror}\n${IMAGE_PATH}\n`).digest("hex").slice(0, 12);
  const tag = `${IMAGE_REPOSITORY}/debian-base:${suite}-${hash}`;
  if (await imageId(docker, tag)) {
    progress(`image base: cached ${tag}`);
    return { tag, built: false };
  }
  if (await tryPull(docker, upstream, PULL_TIMEOUT_MS)) {
    progress(`image base: pulled ${upstream} [${seconds(started)}]`);
    return { tag: upstream, built: false };
  }
  progress(`image base: ${upstream} cannot be pulled; building ${tag} with debootstrap from ${mirror}`);
  await debootstrapImage(docker, tag, suite, mirror, (message) => progress(`image base: ${message} [${seconds(started)}]`));
  progress(`image base: built ${tag} in ${seconds(started)}`);
  return { tag, built: true };
}

/**
 * The Debian mirror this machine's apt uses for the suite: deb822 .sources first, then sources.list.
 * A suite the machine does not use itself (trixie on a Debian 12 host) comes from the mirror of its
 * own main archive, which carries every suite.
 */
export function aptMirror(suite: string): string {
  const sourcesDir = "/etc/apt/sources.list.d";
  const stanzas: string[] = [];
  if (existsSync(sourcesDir)) {
    for (const file of readdirSync(sourcesDir).filter((name) => name.endsWith(".sources")).sort()) {
      stanzas.push(...readFileSync(join(sourcesDir, file), "utf8").split(/\n\s*\n/));
    }
  }
  const sources: { uri: string; suite: string }[] = [];
  for (const stanza of stanzas) {
    const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
    const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
    if (uri) sources.push(...suites.map((name) => ({ uri, suite: name })));
  }
  if (existsSync("/etc/apt/sources.list")) {
    for (const line of readFileSync("/etc/apt/sources.list", "utf8").split("\n")) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (match?.[1] && match[2]) sources.push({ uri: match[1], suite: match[2] });
    }
  }
  const mainArchive = (entry: { uri: string; suite: string }) => /^[a-z]+$/.test(entry.suite) && /\/debian\/?$/.test(entry.uri);
  return (sources.find((entry) => entry.suite === suite) ?? sources.find(mainArchive))?.uri ?? DEFAULT_MIRROR;
}

async function debootstrapImage(docker: Dockerode, tag: string, suite: string, mirror: string, progress: (message: string) => void): Promise<void> {
  if (!commandExists("debootstrap")) {
    throw new Error(
      `Cannot build the base image: debian:${suite}-slim is not available and debootstrap is not installed. ` +
        `Run \`pnpm lab setup\` as root (installs debootstrap), or \`docker load\` a debian:${suite}-slim image.`,
    );
  }
  mkdirSync(BUILD_LOG_DIR, { recursive: true });
  const logPath = join(BUILD_LOG_DIR, `base-${suite}.log`);
  const rootfs = mkdtempSync(join(tmpdir(), "odoo-ha-lab-rootfs-"));
  try {
    progress(`debootstrap ${suite} (log: ${logPath})`);
    await runLogged("debootstrap", ["--variant=minbase", suite, rootfs, mirror], logPath);
    // Package lists and caches only make the image bigger: every Dockerfile runs apt-get update.
    for (const dir of ["var/lib/apt/lists", "var/cache/apt"]) {
      rmSync(join(rootfs, dir), { recursive: true, force: true });
      mkdirSync(join(rootfs, dir, dir.endsWith("lists") ? "partial" : "archives/partial"), { recursive: true });
    }
    progress("importing the root filesystem");
    await importRootfs(docker, rootfs, tag);
  } catch (error) {
    throw new Error(`Building the base image ${tag} failed: ${(error as Error).message}\nLog: ${logPath}`);
  } finally {
    unmountBelow(rootfs);
    rmSync(rootfs, { recursive: true, force: true });
  }
}

async function importRootfs(docker: Dockerode, rootfs: string, tag: string): Promise<void> {
  const [repo, version] = tag.split(":") as [string, string];
  const tarProcess = spawn("tar", ["--numeric-owner", "-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "pipe"] });
  let tarErrors = "";
  tarProcess.stderr.on("data", (chunk: Buffer) => (tarErrors += chunk.toString()));
  const tarExit = new Promise<number | null>((resolve) => tarProcess.on("close", resolve));
  const stream = await docker.importImage(tarProcess.stdout, {
    repo,
    tag: version,
    // An imported rootfs has no config: without PATH, `ENV PATH=...:$PATH` in a child would expand to nothing.
    changes: [`ENV ${IMAGE_PATH}`, `LABEL ${IMAGE_LABEL}=base`, `CMD ["/bin/bash"]`],
  } as object);
  const events = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output as Array<{ error?: string }>))),
  );
  const code = await tarExit;
  const failed = events.find((event) => event.error);
  if (code !== 0) throw new Error(`tar exited with ${code}: ${tarErrors.trim()}`);
  if (failed) throw new Error(`docker import failed: ${failed.error}`);
  if (!(await imageId(docker, tag))) throw new Error("docker import reported no error, yet the image is missing");
}

function runLogged(command: string, args: string[], logPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", (error) => reject(error));
    child.on("close", (code) => {
      log.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-10).join("\n");
        reject(new Error(`${command} exited with ${code}:\n${tail}`));
      });
    });
  });
}

/** A debootstrap that fails half-way can leave /proc or /sys mounted inside the target: never rm -rf through those. */
function unmountBelow(dir: string): void {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((mountpoint) => mountpoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountpoint of mounts) spawnSync("umount", ["-l", mountpoint], { stdio: "ignore" });
}
