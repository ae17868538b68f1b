import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * A local Odoo source, a tarball or a checkout, as each target takes it: the Docker target builds the
 * odoo image from its files (what is sent is what is hashed, so a changed source gets a new image and
 * an unchanged one is never rebuilt), the SSH target unpacks it on the app machines. Odoo is a
 * dependency the lab runs; its source is read from where the user keeps it, never copied into the project.
 */

/**
 * Debian 12's packages for Odoo 17's Python dependencies (the source's debian/control and
 * requirements.txt, by their Debian names), plus what the lab asks of an Odoo machine: psql and curl.
 * Both targets install exactly these: the odoo image and an SSH app machine run the same Odoo.
 */
export const ODOO_DEBIAN_PACKAGES = [
  "python3", "python3-babel", "python3-chardet", "python3-cryptography", "python3-dateutil", "python3-decorator",
  "python3-docutils", "python3-freezegun", "python3-geoip2", "python3-gevent", "python3-greenlet", "python3-idna",
  "python3-pil", "python3-jinja2", "python3-libsass", "python3-lxml", "python3-markupsafe", "python3-num2words",
  "python3-ofxparse", "python3-passlib", "python3-polib", "python3-psutil", "python3-psycopg2", "python3-pydot",
  "python3-openssl", "python3-pypdf2", "python3-rjsmin", "python3-qrcode", "python3-renderpm", "python3-reportlab",
  "python3-requests", "python3-stdnum", "python3-tz", "python3-urllib3", "python3-vobject", "python3-werkzeug",
  "python3-xlsxwriter", "python3-xlrd", "python3-zeep", "python3-ldap", "python3-serial", "python3-usb",
  "postgresql-client", "curl", "ca-certificates", "fonts-dejavu-core",
] as const;

/** What a machine needs besides tar to unpack a source archive it is sent (not in a minimal Debian). */
export const ODOO_ARCHIVE_TOOLS = ["xz-utils", "bzip2"] as const;

/** One file of a source as it is sent: its path, its bytes, its executable bit. */
export interface SourceFile {
  path: string;
  content: Buffer;
  executable: boolean;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2)$/;
/** Build products and VCS data that do not change what Odoo runs. */
const SKIPPED = new Set([".git", "__pycache__", "node_modules"]);

export class OdooSourceError extends Error {
  constructor(source: string, problem: string) {
    super(
      `The Odoo source ${source} ${problem}.\n` +
        "fix: give --odoo-source (or LAB_ODOO_SOURCE, or odoo.source in the topology) a tarball of the Odoo source " +
        "(e.g. odoo-17.0-src.tar.xz) or a checkout whose top folder has odoo-bin",
    );
    this.name = "OdooSourceError";
  }
}

/** The source as build-context files under `odoo-source`: the archive itself (Docker's ADD unpacks it), or the checkout's files. */
export function readOdooSource(source: string): SourceFile[] {
  if (!existsSync(source)) throw new OdooSourceError(source, "does not exist");
  const stat = statSync(source);
  if (stat.isFile()) {
    if (!ARCHIVE.test(source)) throw new OdooSourceError(source, "is a file but not a tar archive (.tar, .tar.gz, .tar.xz, .tar.bz2)");
    return [{ path: "odoo-source", content: readFileSync(source), executable: false }];
  }
  return readTree(checkoutTop(source), "odoo-source");
}

/** The folder of a checkout that holds odoo-bin: the source itself, or its one top folder. */
function checkoutTop(source: string): string {
  if (!statSync(source).isDirectory()) throw new OdooSourceError(source, "is neither a file nor a folder");
  const top = existsSync(join(source, "odoo-bin")) ? source : oneFolderDown(source);
  if (!top) throw new OdooSourceError(source, "has no odoo-bin at its top or in its one top folder");
  return top;
}

function oneFolderDown(dir: string): string | undefined {
  const folders = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const only = folders.length === 1 ? join(dir, folders[0]!.name) : undefined;
  return only && existsSync(join(only, "odoo-bin")) ? only : undefined;
}

function readTree(dir: string, prefix: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name) || entry.name.endsWith(".pyc")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...readTree(path, `${prefix}/${entry.name}`));
    else if (entry.isFile()) files.push({ path: `${prefix}/${entry.name}`, content: readFileSync(path), executable: (statSync(path).mode & 0o111) !== 0 });
  }
  return files;
}

/** The source as one tar archive to unpack on a machine: its bytes, the `tar` flag that decompresses it, and its sha256. */
export interface OdooSourceArchive {
  bytes: Buffer;
  /** "-J", "-z", "-j", or "" for a plain tar. */
  decompress: string;
  sha256: string;
}

export function odooSourceArchive(source: string): OdooSourceArchive {
  if (!existsSync(source)) throw new OdooSourceError(source, "does not exist");
  if (statSync(source).isFile()) {
    const [archive] = readOdooSource(source);
    return { bytes: archive!.content, decompress: decompressFlag(source), sha256: sha256Hex(archive!.content) };
  }
  const packed = spawnSync("tar", ["-C", checkoutTop(source), "--exclude=.git", "--exclude=__pycache__", "--exclude=*.pyc", "-cf", "-", "."], { maxBuffer: 2 ** 31 });
  if (packed.status !== 0) throw new OdooSourceError(source, `could not be packed with tar: ${packed.stderr?.toString().trim() || packed.error?.message}`);
  return { bytes: packed.stdout, decompress: "", sha256: sha256Hex(packed.stdout) };
}

function decompressFlag(archive: string): string {
  if (/\.(tar\.xz|txz)$/.test(archive)) return "-J";
  if (/\.(tar\.gz|tgz)$/.test(archive)) return "-z";
  if (/\.(tar\.bz2|tbz2)$/.test(archive)) return "-j";
  return "";
}

function sha256Hex(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
