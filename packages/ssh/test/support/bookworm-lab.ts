import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTopology, type Topology } from "@odoo-ha-lab/topology";

/**
 * The default lab on release debian-12, which is what the SSH target's test machines run (the
 * bare-host image is Debian 12; Debian 13 bare hosts are not built yet). Debian 12's Patroni 3.0.2
 * takes the default lab's timing as it is.
 */
const DEFAULT_LAB = fileURLToPath(new URL("../../../../labs/odoo-ha/topology.yaml", import.meta.url));

function bookwormText(): string {
  const text = readFileSync(DEFAULT_LAB, "utf8");
  if (!/^release: debian-13$/m.test(text)) throw new Error(`${DEFAULT_LAB} no longer says 'release: debian-13': update this helper`);
  return text.replace(/^release: debian-13$/m, "release: debian-12");
}

export function bookwormLab(): Topology {
  return parseTopology(bookwormText(), DEFAULT_LAB);
}

/** A copy of the file, for the CLI's `-t` (nothing in the default lab is relative to its folder). */
export function writeBookwormLabFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "odoo-ha-bookworm-")), "topology.yaml");
  writeFileSync(file, bookwormText());
  return file;
}
