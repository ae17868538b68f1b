import { PATRONI_OF_OS } from "./patroni-timing.ts";

/**
 * The operating-system release a lab's nodes run: the Docker target builds its images from it, the
 * SSH target installs its package set, and validation knows the Patroni it brings. The app tier's
 * Odoo keeps its own base whatever the release (Odoo 17 runs on Debian 12's Python).
 */
export const RELEASE_NAMES = ["debian-12", "debian-13"] as const;
export type ReleaseName = (typeof RELEASE_NAMES)[number];

export interface Release {
  /** Debian's suite name: what debootstrap and apt sources call it. */
  suite: string;
  /** The PostgreSQL major Debian ships (postgresql-<major>, /usr/lib/postgresql/<major>/bin). */
  postgresMajor: number;
  /** The Patroni Debian ships: its timing rules decide what the topology may ask (patroni-timing.ts). */
  patroni: string;
  /** Key of PATRONI_OF_OS and of the SSH target's preflight (ID and VERSION_ID of os-release). */
  os: string;
}

export const RELEASES: Readonly<Record<ReleaseName, Release>> = {
  "debian-12": { suite: "bookworm", postgresMajor: 15, patroni: PATRONI_OF_OS["debian 12"]!, os: "debian 12" },
  "debian-13": { suite: "trixie", postgresMajor: 17, patroni: PATRONI_OF_OS["debian 13"]!, os: "debian 13" },
};

/**
 * The release Odoo 17's app nodes run whatever the lab's: it is made for Debian 12's Python
 * (Debian 13 has no python3-pypdf2 or python3-renderpm, and Python 3.13). The Docker target's Odoo
 * image, the Vagrant target's app VMs and the SSH preflight follow it.
 */
export const ODOO_RELEASE: ReleaseName = "debian-12";

/** The release a node's machine runs: the lab's, but ODOO_RELEASE on an app node. */
export function nodeRelease(topology: { release: ReleaseName }, node: { roles: readonly string[] }): ReleaseName {
  return node.roles.includes("odoo") ? ODOO_RELEASE : topology.release;
}

/** The release a topology gets when it names none: Debian's stable release. */
export const DEFAULT_RELEASE: ReleaseName = "debian-13";

/** The Debian package of the PostgreSQL client tools (psql, pg_dump) on a release. */
export function postgresClientPackage(release: ReleaseName): string {
  return `postgresql-client-${RELEASES[release].postgresMajor}`;
}

/** The Debian packages of a PostgreSQL node's database server on a release. */
export function postgresPackages(release: ReleaseName): string[] {
  return [`postgresql-${RELEASES[release].postgresMajor}`, postgresClientPackage(release)];
}
