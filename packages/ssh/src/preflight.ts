import { labInterfaceAddress, nodeRelease, PATRONI_OF_OS, patroniTimingProblems, RELEASES, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import type { SshEndpoint } from "./openssh.ts";
import { runProcess } from "./openssh.ts";

/**
 * Before anything changes anywhere: can we log in to every node, become root, is it an OS the lab
 * supports, booted with systemd, does it carry its topology address, is `odoo` there when the
 * topology wants a real Odoo? Every problem on every node is reported at once, each with a fix.
 */

export interface NodeFacts {
  node: string;
  /** The interface that carries the node's topology address. */
  interfaceName: string;
  os: string;
  /** Set when this run pinned the node's host key into the lab's known_hosts (its fingerprint). */
  pinnedKey?: string;
}

export interface PreflightProblem {
  node: string;
  message: string;
  fix: string;
}

export class PreflightError extends Error {
  constructor(readonly problems: PreflightProblem[]) {
    super(
      `preflight failed on ${new Set(problems.map((problem) => problem.node)).size} node(s); nothing was changed on any node:\n` +
        problems.map((problem) => `  - ${problem.node}: ${problem.message}\n    fix: ${problem.fix}`).join("\n"),
    );
    this.name = "PreflightError";
  }
}

/** Tested by the suite: Debian 13 (a debian-13 lab's database and balancer machines) and Debian 12 (its app machines, and a debian-12 lab). */
export const SUPPORTED_OS = ["debian 12", "debian 13", "ubuntu 22.04", "ubuntu 24.04"] as const;

// Facts as key=value lines. Runs as root (directly or through sudo -n); prints uid so a user without either is caught.
// $1: the PostgreSQL major of the node's release (Debian's default cluster, and whether apt offers it).
const FACTS = `echo "uid=$(id -u)"
if [ -r /etc/os-release ]; then . /etc/os-release; echo "os=$ID $VERSION_ID"; echo "pretty=$PRETTY_NAME"; fi
[ -d /run/systemd/system ] && echo "systemd=yes"
if command -v ip >/dev/null 2>&1; then ip -o -4 addr show | sed 's/^/addr=/'; else echo "noip=yes"; fi
command -v odoo >/dev/null 2>&1 && echo "odoo=$(command -v odoo)"
[ -d "/etc/postgresql/$1/main" ] && echo "debian_cluster=yes"
if ! dpkg-query -W -f '\${Status}' "postgresql-$1" 2>/dev/null | grep -q 'ok installed'; then
  # Package lists not fetched yet say nothing: the provisioner's apt-get updates them and retries.
  if apt-cache show "postgresql-$1" >/dev/null 2>&1; then echo "postgres=available"
  elif ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'; then echo "postgres=missing"; fi
fi
true`;

export interface Facts {
  uid?: number;
  os?: string;
  pretty?: string;
  systemd: boolean;
  addresses: { interfaceName: string; address: string }[];
  hasIp: boolean;
  odoo?: string;
  debianCluster: boolean;
  /** Whether apt offers the release's postgresql-<major> (absent when it is installed). */
  postgres?: "available" | "missing";
}

export function parseFacts(output: string): Facts {
  const facts: Facts = { systemd: false, addresses: [], hasIp: true, debianCluster: false };
  for (const line of output.split("\n")) {
    const equals = line.indexOf("=");
    if (equals < 0) continue;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1).trim();
    if (key === "uid") facts.uid = Number(value);
    else if (key === "os") facts.os = value;
    else if (key === "pretty") facts.pretty = value;
    else if (key === "systemd") facts.systemd = true;
    else if (key === "noip") facts.hasIp = false;
    else if (key === "odoo") facts.odoo = value;
    else if (key === "debian_cluster") facts.debianCluster = true;
    else if (key === "postgres") facts.postgres = value === "available" ? "available" : "missing";
    else if (key === "addr") {
      // "2: eth0    inet 192.168.88.101/24 brd ... scope global eth0"
      const match = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(value);
      if (match) facts.addresses.push({ interfaceName: match[1]!.replace(/@.*$/, ""), address: match[2]! });
    }
  }
  return facts;
}

/** The PostgreSQL major whose packages the node installs: its own release's (the client's, on an app node). */
function nodePostgresMajor(topology: Topology, node: TopologyNode): number {
  return RELEASES[nodeRelease(topology, node)].postgresMajor;
}

/** Problems with a node's facts; empty when the node can be converged. */
export function factProblems(topology: Topology, node: TopologyNode, facts: Facts, endpoint: { user: string; host: string; port: number }): PreflightProblem[] {
  const where = `${endpoint.user}@${endpoint.host}${endpoint.port === 22 ? "" : `:${endpoint.port}`}`;
  const problems: PreflightProblem[] = [];
  const add = (message: string, fix: string) => problems.push({ node: node.name, message, fix });
  // The machine's release: the topology's, but Debian 12 on an app node whatever the lab's (nodeRelease).
  const machineRelease = nodeRelease(topology, node);
  const release = RELEASES[machineRelease];
  const major = nodePostgresMajor(topology, node);
  const appNode = node.roles.includes("odoo");
  if (facts.uid !== 0) {
    add(`${where} is not root and the inventory does not ask for sudo`, `set 'sudo: true' for ${node.name} (its user needs passwordless sudo) or log in as root ('user: root')`);
    return problems;
  }
  if (!facts.os || !(SUPPORTED_OS as readonly string[]).includes(facts.os)) {
    add(`unsupported OS '${facts.pretty ?? facts.os ?? "no /etc/os-release"}'`, `use Debian 12 or 13, or Ubuntu 22.04/24.04, for ${node.name}`);
  } else if (appNode && facts.os.startsWith("debian ") && facts.os !== release.os) {
    // Its packages (Odoo's Python, the PostgreSQL client, etcd) are named for Debian 12 in every release.
    add(
      `runs ${facts.pretty ?? facts.os}, but an app node runs ${release.os.replace("debian", "Debian")} in every release (Odoo 17 is made for its Python: Debian 13 has no python3-pypdf2 or python3-renderpm, and Python 3.13)`,
      `give ${node.name} ${release.os.replace("debian", "Debian")}, as the Docker target's Odoo image has`,
    );
  } else if (facts.os.startsWith("debian ") && facts.os !== release.os) {
    add(`runs ${facts.pretty ?? facts.os}, but the topology's release is ${topology.release}`, `set release: ${facts.os.replace(" ", "-")} in the topology, or give ${node.name} ${release.os.replace("debian", "Debian")}`);
  }
  if (!facts.systemd) add("is not running systemd (no /run/systemd/system)", "the SSH target manages services as systemd units: boot the machine with systemd");
  if (!facts.hasIp) add("has no `ip` command", `install iproute2 on ${node.name} (apt-get install iproute2)`);
  else {
    // One interface per network the node joins, each carrying the node's address there.
    const seen = facts.addresses.map((entry) => `${entry.interfaceName} ${entry.address}`).join(", ") || "none";
    const several = topology.networks.length > 1;
    for (const own of node.interfaces.filter((candidate) => !facts.addresses.some((entry) => entry.address === candidate.address))) {
      add(
        several ? `no interface carries its address ${own.address} on network '${own.network}' (it has: ${seen})` : `no interface carries its topology address ${own.address} (it has: ${seen})`,
        several
          ? `give the machine ${own.address} on an interface in network '${own.network}', or change nodes.${node.name}.networks.${own.network} in the topology`
          : `give the machine ${own.address} on the lab network, or change nodes.${node.name}.address in the topology (keepalived binds the VIP to that interface)`,
      );
    }
  }
  if (node.roles.includes("odoo") && !topology.odoo.source && !facts.odoo) {
    add(
      "has no `odoo` on its PATH, and the topology names no Odoo source to install it from",
      `give the lab an Odoo source to install (--odoo-source <odoo-17.0-src.tar.xz or a checkout>, LAB_ODOO_SOURCE, or odoo.source in the topology), or install Odoo on ${node.name} yourself (e.g. Odoo's Debian package) so that \`odoo\` is on PATH`,
    );
  }
  if (node.roles.includes("postgresql") && facts.debianCluster) {
    add(
      `has a PostgreSQL cluster ${major}/main (Debian's default), which would hold port 5432 that Patroni needs`,
      `if it holds nothing you need: pg_dropcluster --stop ${major} main on ${node.name}`,
    );
  }
  const patroni = facts.os ? PATRONI_OF_OS[facts.os] : undefined;
  if (node.roles.includes("postgresql") && patroni) {
    for (const problem of patroniTimingProblems(patroni, topology.postgres.patroni, `${facts.os}'s Patroni ${patroni}`)) add(`${problem.path}: ${problem.message}`, problem.fix);
  }
  if ((node.roles.includes("postgresql") || node.roles.includes("odoo")) && facts.postgres === "missing") {
    add(`its apt sources offer no postgresql-${major} (release ${machineRelease} runs PostgreSQL ${major})`, "add the PostgreSQL apt repository (apt.postgresql.org) to its apt sources");
  }
  return problems;
}

/** ssh's own failures (exit 255) and sudo's, as a problem a user can act on. */
export function connectionProblem(node: string, endpoint: SshEndpoint, stderr: string): PreflightProblem {
  const text = stderr.trim();
  const detail = text.split("\n").filter(Boolean).slice(-2).join(" ");
  const { entry } = endpoint;
  const key = entry.identityFile ? `the key ${entry.identityFile}` : "ssh's default keys (no identityFile in the inventory)";
  if (/Permission denied/.test(text)) {
    return { node, message: `${endpoint.address} refused ${key} (${detail})`, fix: `check identityFile for ${node} in the inventory, and that its public key is in ~${entry.user}/.ssh/authorized_keys on ${entry.host}` };
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/.test(text)) {
    return {
      node,
      message: `the host key of ${entry.host} does not match ${endpoint.knownHostsFile} (${detail})`,
      fix: endpoint.pinsOnFirstContact
        ? `if the machine was reinstalled, remove its old key: ssh-keygen -R ${hostSpec(entry.host, entry.port)} -f ${endpoint.knownHostsFile}`
        : `add the node's key to ${endpoint.knownHostsFile} (ssh-keyscan -p ${entry.port} ${entry.host}, verified out of band), or remove knownHosts from the inventory to pin keys on first contact`,
    };
  }
  if (/sudo: (a password is required|a terminal is required)|is not in the sudoers|may not run sudo|not allowed to execute/.test(text)) {
    return { node, message: `${entry.user} cannot run sudo without a password (${detail})`, fix: `give ${entry.user} passwordless sudo on ${node} (e.g. '${entry.user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/lab), or log in as root` };
  }
  if (/sudo: (command )?not found|sudo: No such file/.test(text)) {
    return { node, message: "sudo is not installed", fix: `install sudo on ${node}, or log in as root (user: root, sudo: false)` };
  }
  return {
    node,
    message: `cannot reach ${endpoint.address} over SSH (${detail || "no answer"})`,
    fix: `check that ${entry.host} port ${entry.port} is up and reachable from here (ssh -p ${entry.port} ${entry.user}@${entry.host}), or fix nodes.${node}.host/port in the inventory`,
  };
}

export function hostSpec(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

async function knownKeyFingerprint(endpoint: SshEndpoint): Promise<string | undefined> {
  const result = await runProcess("ssh-keygen", ["-l", "-F", hostSpec(endpoint.entry.host, endpoint.entry.port), "-f", endpoint.knownHostsFile], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) return undefined;
  const line = result.stdout.split("\n").find((candidate) => candidate.trim() && !candidate.startsWith("#"));
  return line?.trim().split(/\s+/).slice(-2).join(" ");
}

export async function preflightNode(
  topology: Topology,
  node: TopologyNode,
  endpoint: SshEndpoint,
): Promise<{ facts?: NodeFacts; problems: PreflightProblem[]; pinnedKey?: string }> {
  const knownBefore = endpoint.pinsOnFirstContact ? await knownKeyFingerprint(endpoint) : "provided";
  // A connection of its own, not the multiplexed one: its errors are the ones to report.
  const result = await endpoint.exec(["sh", "-c", FACTS, "facts", String(nodePostgresMajor(topology, node))], { multiplex: "none", timeoutMs: 60_000 });
  // The key is pinned at key exchange, before authentication: say so even when the login then fails.
  const pinnedKey = knownBefore === undefined ? await knownKeyFingerprint(endpoint) : undefined;
  const pinned = pinnedKey ? { pinnedKey } : {};
  if (result.exitCode !== 0) return { problems: [connectionProblem(node.name, endpoint, result.stderr || result.stdout)], ...pinned };
  const facts = parseFacts(result.stdout);
  const problems = factProblems(topology, node, facts, endpoint.entry);
  if (problems.length > 0) return { problems, ...pinned };
  const interfaceName = facts.addresses.find((entry) => entry.address === labInterfaceAddress(topology, node))!.interfaceName;
  return { facts: { node: node.name, interfaceName, os: facts.pretty ?? facts.os ?? "?", ...pinned }, problems: [], ...pinned };
}

/** Every node, in parallel; throws one PreflightError naming every problem on every node. */
export async function preflight(topology: Topology, endpoints: ReadonlyMap<string, SshEndpoint>, progress: (node: string, message: string) => void): Promise<Map<string, NodeFacts>> {
  const outcomes = await Promise.all(topology.nodes.map(async (node) => ({ node, ...(await preflightNode(topology, node, endpoints.get(node.name)!)) })));
  for (const outcome of outcomes) {
    const endpoint = endpoints.get(outcome.node.name)!;
    if (outcome.pinnedKey) progress(outcome.node.name, `pinned host key of ${endpoint.entry.host} on first contact: ${outcome.pinnedKey} (into ${endpoint.knownHostsFile})`);
  }
  const problems = outcomes.flatMap((outcome) => outcome.problems);
  if (problems.length > 0) throw new PreflightError(problems);
  const facts = new Map<string, NodeFacts>();
  for (const outcome of outcomes) {
    const nodeFacts = outcome.facts!;
    facts.set(outcome.node.name, nodeFacts);
    progress(outcome.node.name, `${endpoints.get(outcome.node.name)!.address}: ${nodeFacts.os}, lab interface ${nodeFacts.interfaceName}`);
  }
  return facts;
}
