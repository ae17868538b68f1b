import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { ensureDebianBase } from "./debian-base.ts";
import { ensureDockerEngine } from "./engine.ts";
import { ensureBuiltImage, imageId, seconds, tryPull } from "./image-build.ts";
import { IMAGES_DIR, readContextFiles, readFile, REPO_ROOT, type ContextFile } from "./image-context.ts";

export { ImageBuildError, IMAGE_LABEL } from "./image-build.ts";

/**
 * The lab's images, built offline from Debian 12 packages and tagged by content:
 * odoo-ha-lab/<name>:<12 hex of sha256(build context, parent image id, build args)>. A tag that
 * exists is never rebuilt, so a warm call only inspects a few tags.
 *
 *   base ─ node ─┬─ postgres                         (official `postgres` image contract)
 *                └─ odoo-standin ─ odoo-node          (odoo-node also sits on a real odoo:17)
 */

export type LabImageName = "base" | "node" | "postgres" | "odoo-standin" | "odoo-node" | "bare-host";

export interface LabImages {
  base: string;
  node: string;
  postgres: string;
  /** The Odoo image under the lab layer: options.odooImage, or the stand-in. */
  odooApp: string;
  /** The lab node that runs Odoo: odoo-node layered on odooApp. */
  odoo: string;
  /** What this call built; empty when every image was already there. */
  built: LabImageName[];
}

export interface EnsureLabImagesOptions {
  onProgress?: (step: string) => void;
  /** An Odoo image to run instead of the stand-in, e.g. `odoo:17` (must be Debian-based). */
  odooImage?: string;
}

/** Files every lab node carries, kept once in images/common/. */
const NODE_FILES = ["lab-init", "lab-wait-mount", "supervisord.conf"] as const;
const STANDIN_DIR = join(REPO_ROOT, "packages", "odoo-standin");
const STANDIN_BUNDLE = join(STANDIN_DIR, "dist", "odoo.cjs");
const ODOO_PULL_TIMEOUT_MS = 60_000;

export async function ensureLabImages(docker: Dockerode, options: EnsureLabImagesOptions = {}): Promise<LabImages> {
  const started = Date.now();
  const session = new ImageSession(docker, options.onProgress);
  const node = await session.node();
  const postgres = await session.build("postgres", readContextFiles("postgres"), "NODE_IMAGE", node);
  const odooApp = options.odooImage ? await session.external(options.odooImage) : await session.odooStandin(node);
  const odoo = await session.odooNode(odooApp);
  session.progress(`images ready in ${seconds(started)}${session.built.length ? ` (built: ${session.built.join(", ")})` : " (all cached)"}`);
  return { base: session.base!, node, postgres, odooApp, odoo, built: session.built };
}

/** The lab layer on any Odoo image already on this engine (pulled if it can be). */
export async function ensureOdooNodeImage(
  docker: Dockerode,
  odooImage: string,
  options: { onProgress?: (step: string) => void } = {},
): Promise<string> {
  const session = new ImageSession(docker, options.onProgress);
  return session.odooNode(await session.external(odooImage));
}

/**
 * A fresh Debian 12 server in a container for the SSH target's tests: systemd as PID 1, sshd, sudo,
 * the lab's .deb files downloaded but not installed (see images/bare-host/Dockerfile).
 */
export async function ensureBareHostImage(docker: Dockerode, options: { onProgress?: (step: string) => void } = {}): Promise<string> {
  const session = new ImageSession(docker, options.onProgress);
  const base = await ensureDebianBase(docker, session.progress);
  return session.build("bare-host", readContextFiles("bare-host"), "BASE_IMAGE", base.tag);
}

/** The helper script the Odoo service starts through (baked into the images; copied by the SSH target). */
export const LAB_WAIT_MOUNT_FILE = join(IMAGES_DIR, "common", "lab-wait-mount");

/** The stand-in's bundle, built first when missing or stale: what the images carry and the SSH target copies. */
export function ensureStandinBundle(onProgress: (step: string) => void = () => {}): string {
  standinBundle(onProgress);
  return STANDIN_BUNDLE;
}

/**
 * For a vitest globalSetup: the engine (must already run) and the `postgres` image, which
 * @testcontainers/postgresql's PostgreSqlContainer accepts in place of the official one.
 */
export async function ensurePostgresImage(options: { onProgress?: (step: string) => void } = {}): Promise<string> {
  const docker = await ensureDockerEngine({ install: false, onProgress: options.onProgress });
  const session = new ImageSession(docker, options.onProgress);
  return session.build("postgres", readContextFiles("postgres"), "NODE_IMAGE", await session.node());
}

class ImageSession {
  readonly built: LabImageName[] = [];
  base: string | undefined;

  constructor(
    private readonly docker: Dockerode,
    readonly progress: (step: string) => void = () => {},
  ) {}

  async node(): Promise<string> {
    const base = await ensureDebianBase(this.docker, this.progress);
    if (base.built) this.built.push("base");
    this.base = base.tag;
    return this.build("node", readContextFiles("node", NODE_FILES), "BASE_IMAGE", base.tag);
  }

  async odooStandin(node: string): Promise<string> {
    const files = [...readContextFiles("odoo-standin"), standinBundle(this.progress)];
    return this.build("odoo-standin", files, "NODE_IMAGE", node);
  }

  odooNode(odooApp: string): Promise<string> {
    return this.build("odoo-node", readContextFiles("odoo-node", NODE_FILES), "ODOO_IMAGE", odooApp);
  }

  async external(image: string): Promise<string> {
    if (await imageId(this.docker, image)) return image;
    this.progress(`image ${image}: not on this engine, trying to pull it`);
    if (await tryPull(this.docker, image, ODOO_PULL_TIMEOUT_MS)) return image;
    throw new Error(
      `The Odoo image ${image} is not on this Docker engine and could not be pulled. ` +
        `Load it first (\`docker load -i <file>.tar\` on a machine that has it: \`docker save ${image}\`), ` +
        "or leave the Odoo image unset to run the built-in stand-in.",
    );
  }

  async build(name: LabImageName, files: ContextFile[], parentArg: string, parent: string): Promise<string> {
    const image = await ensureBuiltImage(this.docker, { name, files, parentArg, parent }, this.progress);
    if (image.built) this.built.push(name);
    return image.tag;
  }
}

/** packages/odoo-standin/dist/odoo.cjs, rebuilt first when missing or older than its sources. */
function standinBundle(progress: (step: string) => void): ContextFile {
  if (!existsSync(STANDIN_BUNDLE) || newestSourceMtime(STANDIN_DIR) > statSync(STANDIN_BUNDLE).mtimeMs) {
    progress("image odoo-standin: bundling the stand-in (pnpm --filter @odoo-ha-lab/odoo-standin build)");
    const result = spawnSync("pnpm", ["--filter", "@odoo-ha-lab/odoo-standin", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (result.status !== 0 || !existsSync(STANDIN_BUNDLE)) {
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-12).join("\n");
      throw new Error(
        `Cannot build the odoo-standin image: ${STANDIN_BUNDLE} is missing or stale and ` +
          `\`pnpm --filter @odoo-ha-lab/odoo-standin build\` did not produce it ` +
          `(${result.error?.message ?? `exit code ${result.status}`}):\n${output}\n` +
          "Fix the stand-in's build, or pass an Odoo image (e.g. odoo:17) to use instead of the stand-in.",
      );
    }
  }
  return readFile(STANDIN_BUNDLE, "odoo.cjs");
}

function newestSourceMtime(packageDir: string): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["src", "build.mjs", "package.json"]) visit(join(packageDir, entry));
  return newest;
}
