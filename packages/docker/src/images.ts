import { join } from "node:path";
import type Dockerode from "dockerode";
import { ensureDebianBase } from "./debian-base.ts";
import { ensureDockerEngine } from "./engine.ts";
import { ensureBuiltImage, imageId, seconds, tryPull } from "./image-build.ts";
import { IMAGES_DIR, readContextFiles, type ContextFile } from "./image-context.ts";
import { machineSetupScript, ODOO_ARCHIVE_TOOLS, ODOO_DEBIAN_PACKAGES, readOdooSource, roleModule, runtimeDirectories } from "@odoo-ha-lab/roles";
import { DEFAULT_RELEASE, ODOO_RELEASE, RELEASES, ROLE_NAMES, type ReleaseName, type RoleName } from "@odoo-ha-lab/topology";

export { ImageBuildError, IMAGE_LABEL } from "./image-build.ts";

/**
 * The lab's images, built offline from Debian packages and tagged by content:
 * odoo-ha-lab/<name>:<12 hex of sha256(build context, parent image id, build args)>. A tag that
 * exists is never rebuilt, so a warm call only inspects a few tags. The node image follows the
 * topology's release (Debian 12 or 13); the Odoo image keeps Debian 12 (Odoo 17 on its Python),
 * and its lab layer takes etcd from the release's node image, so every etcd member runs one version.
 *
 *   base (release) ─ node ─ postgres                  (official `postgres` image contract)
 *   base (bookworm) ─ odoo (from a local Odoo source) ─ odoo-node ← etcd of node
 *                                                     (odoo-node sits as well on an official odoo:17)
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
  /** The release the nodes run (default: DEFAULT_RELEASE). */
  release?: ReleaseName;
}

/** Odoo 17's Python dependencies are Debian 12's packages, whatever the nodes' release (ODOO_RELEASE). */
const ODOO_SUITE = RELEASES[ODOO_RELEASE].suite;

/** The roles an app node's image carries: their packages, users and folders, from their modules. */
const APP_NODE_ROLES: readonly RoleName[] = ["odoo", "etcd", "node-exporter"];

/** Files every lab node carries, kept once in images/common/. */
const NODE_FILES = ["lab-init", "lab-interfaces", "lab-wait-mount", "lab-runtime-directories", "supervisord.conf"] as const;
const ODOO_PULL_TIMEOUT_MS = 60_000;

export async function ensureLabImages(docker: Dockerode, options: EnsureLabImagesOptions): Promise<LabImages> {
  const started = Date.now();
  const session = new ImageSession(docker, options.release ?? DEFAULT_RELEASE, options.onProgress);
  const node = await session.node();
  const postgres = await session.postgres(node);
  const odooApp = await session.odooApp(options.odoo);
  const odoo = await session.odooNode(odooApp, node);
  session.progress(`images ready in ${seconds(started)}${session.built.length ? ` (built: ${session.built.join(", ")})` : " (all cached)"}`);
  return { base: await session.debianBase(RELEASES[session.release].suite), node, postgres, odooApp, odoo, built: session.built };
}

/** The lab layer on the chosen Odoo (an image on this engine or pulled, or one built from the source). */
export async function ensureOdooNodeImage(
  docker: Dockerode,
  odoo: OdooAppChoice,
  options: { onProgress?: (step: string) => void; release?: ReleaseName } = {},
): Promise<string> {
  const session = new ImageSession(docker, options.release ?? DEFAULT_RELEASE, options.onProgress);
  return session.odooNode(await session.odooApp(odoo), await session.node());
}

/**
 * A fresh Debian server of the release in a container for the SSH target's tests: systemd as PID 1,
 * sshd, sudo, the lab's .deb files downloaded but not installed (see images/bare-host/Dockerfile).
 */
export async function ensureBareHostImage(docker: Dockerode, options: { onProgress?: (step: string) => void; release?: ReleaseName } = {}): Promise<string> {
  const session = new ImageSession(docker, options.release ?? DEFAULT_RELEASE, options.onProgress);
  return session.build("bare-host", readContextFiles("bare-host"), "BASE_IMAGE", await session.debianBase(RELEASES[session.release].suite), {
    ROLE_PACKAGES: session.rolePackages(ROLE_NAMES).join(" "),
    // Odoo 17's Python packages exist on its own release only (Debian 13 lacks some): app machines run it.
    ODOO_PACKAGES: session.release === ODOO_RELEASE ? [...ODOO_DEBIAN_PACKAGES, ...ODOO_ARCHIVE_TOOLS].join(" ") : "",
  });
}

/** The helper script the Odoo service starts through (baked into the images; copied by the SSH target). */
export const LAB_WAIT_MOUNT_FILE = join(IMAGES_DIR, "common", "lab-wait-mount");

/**
 * For a vitest globalSetup: the engine (must already run) and the `postgres` image, which
 * @testcontainers/postgresql's PostgreSqlContainer accepts in place of the official one.
 */
export async function ensurePostgresImage(options: { onProgress?: (step: string) => void } = {}): Promise<string> {
  const docker = await ensureDockerEngine({ install: false, onProgress: options.onProgress });
  const session = new ImageSession(docker, DEFAULT_RELEASE, options.onProgress);
  return session.postgres(await session.node());
}

class ImageSession {
  readonly built: LabImageName[] = [];
  private readonly bases = new Map<string, Promise<string>>();

  constructor(
    private readonly docker: Dockerode,
    readonly release: ReleaseName,
    readonly progress: (step: string) => void = () => {},
  ) {}

  /** A suite's Debian base, asked of the engine once per session (the node and the odoo images may share it). */
  debianBase(suite: string): Promise<string> {
    let base = this.bases.get(suite);
    if (!base) {
      base = ensureDebianBase(this.docker, suite, this.progress).then((ensured) => {
        if (ensured.built) this.built.push("base");
        return ensured.tag;
      });
      this.bases.set(suite, base);
    }
    return base;
  }

  /** The role catalogue's package names of these roles on a release (the session's by default), each once, sorted. */
  rolePackages(roles: readonly RoleName[], release: ReleaseName = this.release): string[] {
    return [...new Set(roles.flatMap((role) => roleModule(role).debianPackages(release)))].sort();
  }

  /** Every role's daemons but Odoo's, with their users and folders (the role modules' `machine`). */
  async node(): Promise<string> {
    const roles = ROLE_NAMES.filter((role) => role !== "odoo");
    return this.build("node", readContextFiles("node", NODE_FILES), "BASE_IMAGE", await this.debianBase(RELEASES[this.release].suite), {
      ROLE_PACKAGES: this.rolePackages(roles).join(" "),
      POSTGRES_MAJOR: String(RELEASES[this.release].postgresMajor),
      ...machineSetupArgs(roles),
    });
  }

  postgres(node: string): Promise<string> {
    return this.build("postgres", readContextFiles("postgres"), "NODE_IMAGE", node, { POSTGRES_MAJOR: String(RELEASES[this.release].postgresMajor) });
  }

  async odooApp(choice: OdooAppChoice): Promise<string> {
    if (!choice.source) return this.external(choice.image);
    const base = await this.debianBase(ODOO_SUITE);
    this.progress(`image odoo: reading the Odoo source ${choice.source}`);
    const files = [...readContextFiles("odoo"), ...readOdooSource(choice.source)];
    return this.build("odoo", files, "BASE_IMAGE", base, { ODOO_PACKAGES: ODOO_DEBIAN_PACKAGES.join(" ") });
  }

  /** The lab layer on the chosen Odoo, with the etcd of the release's node image (an app node may be an etcd member) and a node exporter. */
  odooNode(odooApp: string, node: string): Promise<string> {
    return this.build("odoo-node", readContextFiles("odoo-node", NODE_FILES), "ODOO_IMAGE", odooApp, {
      NODE_IMAGE: node,
      // Debian 12's names, as the Odoo image is (Odoo 17's Python): the SSH target installs the same on an app machine.
      ROLE_PACKAGES: this.rolePackages(APP_NODE_ROLES, ODOO_RELEASE).join(" "),
      ...machineSetupArgs(APP_NODE_ROLES),
    });
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

/**
 * The build args that give an image its roles' users and folders (ROLE_SETUP, a script) and the list
 * of their folders under /run (ROLE_RUNTIME_DIRECTORIES, "path owner mode" lines) that lab-init makes
 * in the container's fresh /run at every start.
 */
function machineSetupArgs(roles: readonly RoleName[]): Record<string, string> {
  return {
    ROLE_SETUP: machineSetupScript(roles),
    ROLE_RUNTIME_DIRECTORIES: runtimeDirectories(roles).map(({ path, owner, mode }) => `${path} ${owner} ${mode}`).join("\n"),
  };
}
