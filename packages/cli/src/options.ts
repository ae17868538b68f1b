import { join } from "node:path";
import { loadTopologyFile, type Topology, type TopologyOverrides } from "@odoo-ha-lab/topology";
import { REPO_ROOT } from "./state.ts";

export const DEFAULT_TOPOLOGY = join(REPO_ROOT, "labs", "odoo-ha", "topology.yaml");

/** Options every lab command takes: the topology file and the overrides that move a lab aside. */
export const LAB_OPTIONS = {
  topology: { type: "string", short: "t" },
  name: { type: "string" },
  subnet: { type: "string" },
  "odoo-image": { type: "string" },
  "odoo-source": { type: "string" },
  release: { type: "string" },
  json: { type: "boolean" },
  target: { type: "string" },
  inventory: { type: "string" },
  // The vagrant target's: where its Vagrantfile lives, the provider, the box.
  "vagrant-dir": { type: "string" },
  provider: { type: "string" },
  box: { type: "string" },
} as const;

export interface LabOptionValues {
  topology?: string;
  name?: string;
  subnet?: string;
  "odoo-image"?: string;
  /** A local Odoo source (tarball or checkout) to build the app image from; also LAB_ODOO_SOURCE. */
  "odoo-source"?: string;
  /** The same lab on another Debian release (debian-12, debian-13); also LAB_RELEASE. */
  release?: string;
  json?: boolean;
  /** docker (default) or ssh; also LAB_TARGET. */
  target?: string;
  /** The SSH target's inventory file; also LAB_INVENTORY. */
  inventory?: string;
  "vagrant-dir"?: string;
  provider?: string;
  box?: string;
}

/** What --target accepts: vagrant is the SSH target on VMs that `vagrant up` started. */
export const TARGET_NAMES = ["docker", "ssh", "vagrant"] as const;
export type TargetKind = (typeof TARGET_NAMES)[number];

/**
 * LAB_TOPOLOGY, LAB_NAME, LAB_SUBNET, LAB_ODOO_IMAGE, LAB_ODOO_SOURCE and LAB_RELEASE stand in for their flags, e.g.
 * in tests and CI. The target is checked here too, so a command that never reaches a machine
 * (`topology validate --target bogus`) refuses a wrong one as `up` would.
 */
export function resolveTopology(values: LabOptionValues): Topology {
  targetKind(values);
  return loadTopologyFile(values.topology ?? process.env.LAB_TOPOLOGY ?? DEFAULT_TOPOLOGY, topologyOverrides(values));
}

/** --target (or LAB_TARGET), default docker. */
export function targetKind(values: LabOptionValues): TargetKind {
  const given = flagOrEnvironment(values.target, { flag: "--target", variable: "LAB_TARGET", what: `a target, one of ${TARGET_NAMES.join(", ")}` });
  const kind = given.value ?? "docker";
  const known = TARGET_NAMES.find((name) => name === kind);
  if (!known) throw new Error(`unknown target '${kind}'${given.by === "--target" ? "" : ` (from ${given.by})`}: use one of ${TARGET_NAMES.join(", ")}`);
  return known;
}

/** The overrides a flag or its environment variable may give, and what each expects (for messages). */
const OVERRIDES = {
  name: { option: "name", flag: "--name", variable: "LAB_NAME", what: "a lab name, e.g. --name lab2" },
  subnet: { option: "subnet", flag: "--subnet", variable: "LAB_SUBNET", what: "a /24, e.g. --subnet 192.168.56.0/24" },
  odooImage: { option: "odoo-image", flag: "--odoo-image", variable: "LAB_ODOO_IMAGE", what: "an image, e.g. --odoo-image odoo:17" },
  odooSource: { option: "odoo-source", flag: "--odoo-source", variable: "LAB_ODOO_SOURCE", what: "a tarball or checkout of Odoo's source" },
  release: { option: "release", flag: "--release", variable: "LAB_RELEASE", what: "a release, e.g. --release debian-12" },
} as const satisfies Record<Exclude<keyof TopologyOverrides, "givenBy">, Setting & { option: keyof LabOptionValues }>;

/** The one place where flags and environment become overrides of a topology file: every command, runs and gates too. */
export function topologyOverrides(values: LabOptionValues): TopologyOverrides {
  const read = (key: keyof typeof OVERRIDES) => flagOrEnvironment(values[OVERRIDES[key].option] as string | undefined, OVERRIDES[key]);
  const name = read("name");
  const subnet = read("subnet");
  const odooImage = read("odooImage");
  const odooSource = read("odooSource");
  const release = read("release");
  return {
    name: name.value,
    subnet: subnet.value,
    odooImage: odooImage.value,
    odooSource: odooSource.value,
    release: release.value,
    givenBy: { name: name.by, subnet: subnet.by, odooImage: odooImage.by, odooSource: odooSource.by, release: release.by },
  };
}

interface Setting {
  flag: string;
  variable: string;
  /** What to give, for the message when it is empty. */
  what: string;
}

/**
 * A flag, else its environment variable, and which of the two gave it (messages name that one). An
 * empty one is an error, not the topology's default: an unset shell variable
 * (`lab down --name "$LAB"`) would otherwise name the default lab.
 */
function flagOrEnvironment(flag: string | undefined, setting: Setting): { value: string | undefined; by: string } {
  const { flag: flagName, variable, what } = setting;
  if (flag !== undefined) {
    if (flag.trim() === "") throw new Error(`${flagName} is empty: give ${what}, or leave the flag out for the topology's own`);
    return { value: flag, by: flagName };
  }
  const value = process.env[variable];
  if (value === undefined) return { value, by: flagName };
  if (value.trim() === "") throw new Error(`the environment variable ${variable} is set but empty: give ${what}, or unset it (unset ${variable}) for the topology's own`);
  return { value, by: `the environment variable ${variable}` };
}
