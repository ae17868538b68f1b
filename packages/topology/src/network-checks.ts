import type { TopologyIssue } from "./errors.ts";
import { broadcastOf, cidrContains, formatIpv4, gatewayOf, parseCidr, parseIpv4, type Cidr } from "./ipv4.ts";
import { SINGLE_NETWORK, type LabNetwork, type NodeInterface } from "./model.ts";
import { ROLE_GROUPS, ROLE_LINKS, type RoleName } from "./roles.ts";
import type { ParsedTopologyFile } from "./schema.ts";

/** The lab's networks and where each node and the VIP are on them, once their addresses are checked. */
export interface CheckedNetworks {
  networks: LabNetwork[];
  interfaces: Map<string, NodeInterface[]>;
  vipNetwork: string;
}

interface DeclaredNetwork {
  name: string;
  subnet: string;
  /** Where the file declares it, for messages: network.subnet or networks.<name>.subnet. */
  path: string;
  cidr: Cidr;
}

/** Ranges no machine's own network can be: the unspecified, loopback, link-local, multicast and reserved blocks. */
const UNUSABLE_NETWORKS = [
  { text: "0.0.0.0/8", what: "'this network' (the unspecified address)" },
  { text: "127.0.0.0/8", what: "the loopback range" },
  { text: "169.254.0.0/16", what: "the link-local range" },
  { text: "224.0.0.0/4", what: "the multicast range" },
  { text: "240.0.0.0/4", what: "the reserved range (and the broadcast address)" },
].map((range) => ({ ...range, cidr: parseCidr(range.text)! }));

function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const wider = a.prefix <= b.prefix ? a : b;
  const narrower = wider === a ? b : a;
  return cidrContains(wider, narrower.network);
}

/**
 * The networks a file declares (`network:` for one, `networks:` for several, never both) and every
 * address on them: each node's, on each network it joins, and the VIP's on its network. Returns
 * undefined when a subnet is unusable (its addresses cannot be judged then).
 */
export function checkNetworks(file: ParsedTopologyFile, issues: TopologyIssue[]): CheckedNetworks | undefined {
  const declared = declaredNetworks(file, issues);
  if (!declared) return undefined;
  const several = file.networks !== undefined;
  const addressOwners = new Map<number, string>();

  const checkAddress = (path: string, owner: string, text: string, network: DeclaredNetwork): void => {
    const ip = parseIpv4(text);
    if (ip === undefined) {
      const leadingZeros = /(^|\.)0\d/.test(text);
      issues.push({ path, message: `'${text}' is not an IPv4 address${leadingZeros ? " (a part has leading zeros, which some tools read as octal)" : ""}`, fix: leadingZeros ? `write ${text.replace(/(^|\.)0+(\d)/g, "$1$2")}` : "write a dotted quad like 192.168.55.101" });
      return;
    }
    if (!cidrContains(network.cidr, ip)) {
      const which = several ? `network '${network.name}' (${network.subnet})` : `the lab network ${network.subnet}`;
      issues.push({ path, message: `${text} is outside ${which}`, fix: `pick an address inside ${network.subnet}` });
      return;
    }
    const reservedFor = new Map<number, string>([
      [network.cidr.network, "the network address"],
      [gatewayOf(network.cidr), `the gateway (the host's side of ${several ? `network '${network.name}'` : "the lab network"})`],
      [broadcastOf(network.cidr), "the broadcast address"],
    ]).get(ip);
    if (reservedFor) {
      issues.push({ path, message: `${text} is ${reservedFor}`, fix: "pick another address in the network" });
      return;
    }
    const previous = addressOwners.get(ip);
    if (previous) {
      issues.push({ path, message: `${text} is already used by ${previous}`, fix: "give every node and the virtual IP an address of its own" });
      return;
    }
    addressOwners.set(ip, owner);
  };

  const byName = new Map(declared.map((network) => [network.name, network]));
  const known = declared.map((network) => network.name).join(", ");
  const interfaces = new Map<string, NodeInterface[]>();
  for (const [name, node] of Object.entries(file.nodes)) {
    const own: NodeInterface[] = [];
    if (!several) {
      if (node.networks !== undefined) issues.push({ path: `nodes.${name}.networks`, message: "a lab with one network (`network:`) gives each node an `address`", fix: "write `address: <ip>` instead, or declare the lab's `networks:`" });
      if (node.address === undefined) issues.push({ path: `nodes.${name}.address`, message: "is required", fix: `add the node's address in ${declared[0]!.subnet}` });
      else {
        checkAddress(`nodes.${name}.address`, name, node.address, declared[0]!);
        own.push({ network: SINGLE_NETWORK, address: node.address });
      }
    } else {
      if (node.address !== undefined) issues.push({ path: `nodes.${name}.address`, message: "a lab with several networks gives each node its address on each network it joins", fix: `write \`networks: { ${declared[0]!.name}: ${node.address} }\` instead` });
      const joined = Object.entries(node.networks ?? {});
      if (joined.length === 0) issues.push({ path: `nodes.${name}.networks`, message: "the node joins no network", fix: `list the networks it joins with its address on each, e.g. networks: { ${declared[0]!.name}: <ip> } (networks: ${known})` });
      for (const [networkName, address] of joined) {
        const network = byName.get(networkName);
        if (!network) {
          issues.push({ path: `nodes.${name}.networks.${networkName}`, message: `no network '${networkName}' is declared`, fix: `use one of: ${known}, or declare it under networks` });
          continue;
        }
        checkAddress(`nodes.${name}.networks.${networkName}`, name, address, network);
        own.push({ network: networkName, address });
      }
    }
    interfaces.set(name, own);
  }

  const vipNetwork = byName.get(file.vip.network ?? declared[0]!.name);
  if (!vipNetwork) {
    issues.push({ path: "vip.network", message: `no network '${file.vip.network}' is declared`, fix: `use one of: ${known}` });
  } else {
    checkAddress("vip.address", "the virtual IP", file.vip.address, vipNetwork);
  }
  return {
    networks: declared.map((network) => ({ name: network.name, subnet: network.subnet, prefix: network.cidr.prefix, gateway: formatIpv4(gatewayOf(network.cidr)) })),
    interfaces,
    vipNetwork: vipNetwork?.name ?? declared[0]!.name,
  };
}

function declaredNetworks(file: ParsedTopologyFile, issues: TopologyIssue[]): DeclaredNetwork[] | undefined {
  if (file.network && file.networks) {
    issues.push({ path: "networks", message: "the file declares both `network` (one network) and `networks` (several)", fix: "keep `network:` for a one-network lab, or move its subnet into `networks:`" });
    return undefined;
  }
  const entries = file.networks ? Object.entries(file.networks).map(([name, network]) => ({ name, subnet: network.subnet, path: `networks.${name}.subnet` })) : file.network ? [{ name: SINGLE_NETWORK, subnet: file.network.subnet, path: "network.subnet" }] : [];
  if (entries.length === 0) {
    issues.push({ path: "network", message: "is required", fix: "add `network: { subnet: 192.168.55.0/24 }`, or `networks:` for a lab of several zones" });
    return undefined;
  }
  const declared: DeclaredNetwork[] = [];
  let usable = true;
  for (const entry of entries) {
    const cidr = parseCidr(entry.subnet);
    if (!cidr) {
      issues.push({ path: entry.path, message: `'${entry.subnet}' is not an IPv4 network in CIDR form`, fix: "write it like 192.168.55.0/24 (host bits zero, no leading zeros)" });
      usable = false;
      continue;
    }
    const unusable = UNUSABLE_NETWORKS.find((range) => cidrsOverlap(range.cidr, cidr));
    if (unusable) {
      issues.push({ path: entry.path, message: `${entry.subnet} overlaps ${unusable.text}, ${unusable.what}: no lab host can use it`, fix: "use a private network such as 192.168.55.0/24, 172.20.0.0/24 or 10.55.0.0/24" });
    }
    if (cidr.prefix < 16 || cidr.prefix > 28) {
      issues.push({ path: entry.path, message: `a /${cidr.prefix} network is outside what the lab supports`, fix: "use a prefix between /16 and /28, e.g. /24" });
    }
    const overlapping = declared.find((other) => cidrsOverlap(other.cidr, cidr));
    if (overlapping) {
      issues.push({ path: entry.path, message: `${entry.subnet} overlaps network '${overlapping.name}' (${overlapping.subnet})`, fix: "give each network a subnet of its own" });
      usable = false;
    }
    declared.push({ ...entry, cidr });
  }
  return usable ? declared : undefined;
}

/**
 * On a lab of several networks, what the roles need of them (ROLE_LINKS): each pair of nodes that
 * talk shares a network, a group's members share one, the VIP's users join its network, and no node
 * joins a network none of its roles talks over.
 */
export function linkIssues(file: ParsedTopologyFile, checked: CheckedNetworks): TopologyIssue[] {
  if (!file.networks) return [];
  const issues: TopologyIssue[] = [];
  const nodes = Object.entries(file.nodes).map(([name, node]) => ({ name, roles: node.roles, web: node.odoo?.http !== false, networks: (checked.interfaces.get(name) ?? []).map((own) => own.network) }));
  const withRole = (role: RoleName) => nodes.filter((node) => node.roles.includes(role) && (role !== "odoo" || node.web));
  // The network a link goes over: the one `addressFor` picks (the target's first that the source joins too).
  const used = new Map(nodes.map((node) => [node.name, new Set<string>()]));
  const markUsed = (network: string, ...members: (typeof nodes)[number][]) => {
    for (const member of members) used.get(member.name)!.add(network);
  };

  for (const link of ROLE_LINKS) {
    const from = nodes.filter((node) => node.roles.includes(link.from));
    if (link.to === "vip") {
      for (const node of from) {
        if (node.networks.includes(checked.vipNetwork)) markUsed(checked.vipNetwork, node);
        else issues.push({ path: `nodes.${node.name}.networks`, message: `${node.name} (${link.from}) ${link.purpose}, and does not join the VIP's network '${checked.vipNetwork}'`, fix: `add '${checked.vipNetwork}' with an address to ${node.name}'s networks` });
      }
      continue;
    }
    for (const a of from) {
      for (const b of withRole(link.to)) {
        if (a.name === b.name) continue;
        const network = b.networks.find((candidate) => a.networks.includes(candidate));
        if (network) markUsed(network, a, b);
        else issues.push({ path: `nodes.${a.name}.networks`, message: `${a.name} (${link.from}) ${link.purpose} on ${b.name}, and they share no network (${a.name}: ${a.networks.join(", ") || "none"}; ${b.name}: ${b.networks.join(", ") || "none"})`, fix: `add one of ${b.name}'s networks to ${a.name}, or one of ${a.name}'s to ${b.name}` });
      }
    }
  }
  for (const group of Object.values(ROLE_GROUPS)) {
    const members = nodes.filter((node) => group.roles.some((role) => node.roles.includes(role)));
    if (members.length < 2) continue;
    const common = members[0]!.networks.find((network) => members.every((node) => node.networks.includes(network)));
    if (common) markUsed(common, ...members);
    else {
      const apart = members.map((node) => `${node.name}: ${node.networks.join(", ") || "none"}`).join("; ");
      issues.push({ path: "nodes.*.networks", message: `${group.purpose}, and they share no network (${apart})`, fix: `give ${members.map((node) => node.name).join(", ")} one network they all join` });
    }
  }
  for (const node of nodes) {
    for (const network of node.networks) {
      if (!used.get(node.name)!.has(network)) {
        issues.push({ path: `nodes.${node.name}.networks.${network}`, message: `none of ${node.name}'s roles (${node.roles.join(", ")}) talks over network '${network}'`, fix: `remove '${network}' from ${node.name}'s networks` });
      }
    }
  }
  return issues;
}
