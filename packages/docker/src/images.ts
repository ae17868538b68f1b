import { join } from "node:path";
import type Dockerode from "dockerode";
import { ensureDebianBase } from "./debian-base.ts";
import { ensureDockerEngine } from "./engine.ts";
import { ensureBuiltImage, imageId, seconds, tryPull } from "./image-build.ts";
import { IMAGES_DIR, readContextFiles, type ContextFile } from "./image-context.ts";
import { ODOO_ARCHIVE_TOOLS, ODOO_DEBIAN_PACKAGES, readOdooSource } from "@odoo-ha-lab/roles";

export { ImageBuildError, IMAGE_LABEL } from "./image-build.ts";

/**
 * The lab's images, built offline from Debian 12 packages and tagged by content:
 * odoo-ha-lab/<name>:<12 hex of sha256(build context, parent image id, build args)>. A tag that
 * exists is never rebuilt, so a warm call only inspects a few tags.
 *
 *   base ─┬─ node ─ postgres                       (official `postgres` image contract)
 *         └─ odoo (from a local Odoo source) ─ odoo-node   (odoo-node sits as well on an official odoo:17)
 */

export type LabImageName = "base" | "node" | "postgres" | "odoo" | "odoo-node" | "bare-host";

/** Where the app tier's Odoo comes from: an image (pulled if need be), or a local source to build one from. */
export interface OdooAppChoice {
  image: string;
  /** A tarball or checkout of the Odoo source; when set, the image is built from it and `image` is not used. */
  source?: string | undefined;
}

export interface LabImages {
  base: string;
  node: string;
  postgres: string;
  /** The Odoo image under the lab layer: the chosen image, or the one built from the source. */
  odooApp: string;
  /** The lab node that runs Odoo: odoo-node layered on odooApp. */
  odoo: string;
  /** What this call built; empty when every image was already there. */
  built: LabImageName[];
}

export interface EnsureLabImagesOptions {
  onProgress?: (step: string) => void;
  odoo: OdooAppChoice;
}

/** Files every lab node carries, kept once in images/common/. */
const NODE_FILES = ["lab-init", "lab-wait-mount", "supervisord.conf"] as const;
const ODOO_PULL_TIMEOUT_MS = 60_000;

export async function ensureLabImages(docker: Dockerode, options: EnsureLabImagesOptions): Promise<LabImages> {
  const started = Date.now();
  const session = new ImageSession(docker, options.onProgress);
  const node = await session.node();
  const postgres = await session.build("postgres", readContextFiles("postgres"), "NODE_IMAGE", node);
  const odooApp = await session.odooApp(options.odoo);
  const odoo = await session.odooNode(odooApp);
  session.progress(`images ready in ${seconds(started)}${session.built.length ? ` (built: ${session.built.join(", ")})` : " (all cached)"}`);
  return { base: session.base!, node, postgres, odooApp, odoo, built: session.built };
}

/** The lab layer on the chosen Odoo (an image on this engine or pulled, or one built from the source). */
export async function ensureOdooNodeImage(
  docker: Dockerode,
  odoo: OdooAppChoice,
  options: { onProgress?: (step: string) => void } = {},
): Promise<string> {
  const session = new ImageSession(docker, options.onProgress);
  return session.odooNode(await session.odooApp(odoo));
}

/**
 * A fresh Debian 12 server in a container for the SSH target's tests: systemd as PID 1, sshd, sudo,
 * the lab's .deb files downloaded but not installed (see images/bare-host/Dockerfile).
 */
export async function ensureBareHostImage(docker: Dockerode, options: { onProgress?: (step: string) => void } = {}): Promise<string> {
  const session = new ImageSession(docker, options.onProgress);
  return session.build("bare-host", readContextFiles("bare-host"), "BASE_IMAGE", await session.debianBase(), { ODOO_PACKAGES: [...ODOO_DEBIAN_PACKAGES, ...ODOO_ARCHIVE_TOOLS].join(" ") });
}

/** The helper script the Odoo service starts through (baked into the images; copied by the SSH target). */
export const LAB_WAIT_MOUNT_FILE = join(IMAGES_DIR, "common", "lab-wait-mount");

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

  /** The Debian base, asked of the engine once per session (the node and the odoo images both sit on it). */
  async debianBase(): Promise<string> {
    if (this.base) return this.base;
    const base = await ensureDebianBase(this.docker, this.progress);
    if (base.built) this.built.push("base");
    this.base = base.tag;
    return base.tag;
  }

  async node(): Promise<string> {
    return this.build("node", readContextFiles("node", NODE_FILES), "BASE_IMAGE", await this.debianBase());
  }

  async odooApp(choice: OdooAppChoice): Promise<string> {
    if (!choice.source) return this.external(choice.image);
    const base = await this.debianBase();
    this.progress(`image odoo: reading the Odoo source ${choice.source}`);
    const files = [...readContextFiles("odoo"), ...readOdooSource(choice.source)];
    return this.build("odoo", files, "BASE_IMAGE", base, { ODOO_PACKAGES: ODOO_DEBIAN_PACKAGES.join(" ") });
  }

  odooNode(odooApp: string): Promise<string> {
    return this.build("odoo-node", readContextFiles("odoo-node", NODE_FILES), "ODOO_IMAGE", odooApp);
  }

  async external(image: string): Promise<string> {
    if (await imageId(this.docker, image)) return image;
    this.progress(`image ${image}: not on this engine, trying to pull it`);
    if (await tryPull(this.docker, image, ODOO_PULL_TIMEOUT_MS)) return image;
    throw new Error(
      `The Odoo image ${image} is not on this Docker engine and could not be pulled (no registry reached). Either:\n` +
        `  - build it from a local Odoo source: --odoo-source <odoo-17.0-src.tar.xz or a checkout>, LAB_ODOO_SOURCE, or odoo.source in the topology;\n` +
        `  - or load the image first: \`docker load -i <file>.tar\` (made with \`docker save ${image}\` on a machine that has it).`,
    );
  }

  async build(name: LabImageName, files: ContextFile[], parentArg: string, parent: string, buildArgs?: Record<string, string>): Promise<string> {
    const image = await ensureBuiltImage(this.docker, { name, files, parentArg, parent, ...(buildArgs ? { buildArgs } : {}) }, this.progress);
    if (image.built) this.built.push(name);
    return image.tag;
  }
}
