import { machineOf, ODOO_ARCHIVE_TOOLS, ODOO_DEBIAN_PACKAGES, roleModule } from "@odoo-ha-lab/roles";
import { type Host } from "@odoo-ha-lab/machine";
import { nodeRelease, ROLE_NAMES, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";

/**
 * The Debian packages a node needs: what the lab's Docker images carry, per role (each role's
 * `debianPackages` in the role catalogue, named as the node's release names them: the topology's, but
 * Debian 12 on an app node, whose Odoo 17 runs on its Python), so a node gets only what its roles
 * run. Ubuntu 22.04/24.04 carry the same names except the PostgreSQL major version (the preflight
 * requires the release's major to be installable).
 */

/** Every node: what the status probes and the chaos faults use (iptables, tc, pkill, killall, the NFQUEUE delay program). */
export const BASE_PACKAGES = ["iproute2", "iptables", "procps", "psmisc", "curl", "ca-certificates", "python3"] as const;

export function packagesForNode(topology: Topology, node: TopologyNode): string[] {
  const wanted = new Set<string>(BASE_PACKAGES);
  const release = nodeRelease(topology, node);
  for (const role of node.roles) for (const name of roleModule(role).debianPackages(release)) wanted.add(name);
  // Odoo from a source runs on Debian's Python packages, as in the odoo image; an Odoo installed by
  // the user (its Debian package) brought its own.
  if (node.roles.includes("odoo") && topology.odoo.source) for (const name of [...ODOO_DEBIAN_PACKAGES, ...ODOO_ARCHIVE_TOOLS]) wanted.add(name);
  return [...wanted].sort();
}

/** `dpkg-query` prints "install ok installed" for what is there; anything else (or nothing) is missing. */
export function parseInstalled(dpkgOutput: string): Set<string> {
  const installed = new Set<string>();
  for (const line of dpkgOutput.split("\n")) {
    const [name, ...status] = line.trim().split(" ");
    if (name && status.join(" ") === "install ok installed") installed.add(name.replace(/:.*$/, ""));
  }
  return installed;
}

export async function missingPackages(host: Host, wanted: readonly string[]): Promise<string[]> {
  // dpkg-query exits 1 when some package is unknown to dpkg: the output still lists the known ones.
  const result = await host.exec(["dpkg-query", "-W", "-f", "${Package} ${Status}\\n", ...wanted]);
  const installed = parseInstalled(result.stdout);
  return wanted.filter((name) => !installed.has(name));
}

/**
 * Installs what is missing, and nothing else. Debian's postinst scripts would start their own
 * postgresql, etcd, haproxy, keepalived and glusterd: a policy-rc.d forbids that while we install
 * (removed afterwards, unless the host had one of its own). If the package lists are missing or
 * stale, `apt-get update` once and retry. A freshly booted host often runs unattended-upgrades:
 * apt-get waits for its lock (up to 10 minutes) instead of failing at once.
 */
export function installCommand(packages: readonly string[]): string[] {
  return ["sh", "-c", INSTALL, "sh", ...packages];
}

const INSTALL = `set -u
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold "$@"; }
if ! install "$@"; then
  echo "lab: apt-get install failed; updating the package lists and retrying" >&2
  apt-get update -q -o DPkg::Lock::Timeout=600 && install "$@"
fi`;

/**
 * Units Debian's packages install and enable, which would fight the lab's own (the same ports,
 * data directories and VIP). The lab runs these daemons as lab-* units instead.
 */
export function debianUnits(topology: Topology): string[] {
  // Every role's, whatever the node's roles: a package one role installs may bring another's unit.
  return [...new Set(ROLE_NAMES.flatMap((role) => machineOf(role).debianUnits(topology)))];
}
