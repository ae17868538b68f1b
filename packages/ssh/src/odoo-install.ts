import { odooSourceArchive, PATHS, type OdooSourceArchive } from "@odoo-ha-lab/roles";
import { run, type Host } from "@odoo-ha-lab/machine";

/**
 * Real Odoo on an SSH machine, laid out as the lab's odoo image has it: the source unpacked under
 * /opt, `/opt/odoo` pointing at it, `odoo` on PATH; its Python from Debian's packages (installed with
 * the role's other packages). Each source is unpacked into a folder named by its sha256, so a second
 * `up` with the same source changes nothing, and a new source replaces the old one in one rename.
 */

export const ODOO_HOME = PATHS.odooHome;
export const ODOO_COMMAND = "/usr/bin/odoo";
/** The sha256 of the source that /opt/odoo holds (written last: a cut-off install is redone). */
export const ODOO_SOURCE_MARKER = `${ODOO_HOME}/.lab-source-sha256`;

/** The source's archive, read once per `up` for all app machines. */
export class OdooSourceForMachines {
  private archive: OdooSourceArchive | undefined;

  constructor(readonly source: string) {}

  get(): OdooSourceArchive {
    return (this.archive ??= odooSourceArchive(this.source));
  }
}

/** What the machine's /opt/odoo holds: the sha256 of its source, or undefined (none, or not the lab's). */
export async function installedOdooSource(host: Host): Promise<string | undefined> {
  const result = await host.exec(["sh", "-c", `[ -x ${ODOO_COMMAND} ] && cat ${ODOO_SOURCE_MARKER}`]);
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/** Unpacks the source unless the machine already runs it; the change made, or undefined. */
export async function installOdoo(host: Host, source: OdooSourceForMachines, progress: (message: string) => void): Promise<string | undefined> {
  const archive = source.get();
  if ((await installedOdooSource(host)) === archive.sha256) return undefined;
  progress(`unpacking Odoo from ${source.source} (${(archive.bytes.length / 2 ** 20).toFixed(0)} MiB, sha256 ${archive.sha256.slice(0, 12)})`);
  await run(host, ["sh", "-c", UNPACK, "sh", archive.sha256, archive.decompress, ODOO_HOME, ODOO_COMMAND, ODOO_SOURCE_MARKER], { stdin: archive.bytes, timeoutMs: 600_000 });
  return `installed Odoo from ${source.source}`;
}

// $1 sha256, $2 tar's decompression flag (may be empty), $3 /opt/odoo, $4 /usr/bin/odoo, $5 the marker.
// The archive arrives on stdin; the tree holding odoo-bin (its top, or its one top folder) becomes
// /opt/odoo-<sha>, and /opt/odoo is switched to it only when it is complete.
const UNPACK = `set -eu
sha=$1; flag=$2; home=$3; command=$4; marker=$5
target=$home-$(printf %s "$sha" | cut -c1-12)
work=$(mktemp -d /opt/.lab-odoo.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -x $flag -C "$work" --no-same-owner
bin=$(find "$work" -maxdepth 2 -name odoo-bin -type f | head -n 1)
[ -n "$bin" ] || { echo "the Odoo source has no odoo-bin at its top or one folder down" >&2; exit 1; }
chmod 0755 "$bin"
rm -rf "$target"
mv "$(dirname "$bin")" "$target"
printf '%s\\n' "$sha" > "$target/.lab-source-sha256"
ln -sfn "$target" "$home.new" && mv -T "$home.new" "$home"
ln -sfn "$home/odoo-bin" "$command"
for old in "$home"-*; do [ "$old" = "$target" ] || rm -rf "$old"; done
python3 -c "import sys; sys.path.insert(0, '$home'); import odoo.release as r; print('Odoo', r.version)"`;
