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
 * LAB_TOPOLOGY, LAB_NAME, LAB_SUBNET, LAB_ODOO_IMAGE and LAB_ODOO_SOURCE stand in for their flags, e.g.
 * in tests and CI. The target is checked here too, so a command that never reaches a machine
 * (`topology validate --target bogus`) refuses a wrong one as `up` would.
 */
export function resolveTopology(values: LabOptionValues): Topology {
  targetKind(values);
  return loadTopologyFile(values.topology ?? process.env.LAB_TOPOLOGY ?? DEFAULT_TOPOLOGY, topologyOverrides(values));
}

/** --target (or LAB_TARGET), default docker. */
export function targetKind(values: LabOptionValues): TargetKind {
  const kind = flagOrEnvironment(values.target, "--target", "LAB_TARGET", `a target, one of ${TARGET_NAMES.join(", ")}`) ?? "docker";
  const known = TARGET_NAMES.find((name) => name === kind);
  if (!known) throw new Error(`unknown target '${kind}'${values.target === undefined ? " (from the environment variable LAB_TARGET)" : ""}: use one of ${TARGET_NAMES.join(", ")}`);
  return known;
}

/** The one place where flags and environment become overrides of a topology file: every command, runs and gates too. */
export function topologyOverrides(values: LabOptionValues): TopologyOverrides {
  return {
    givenBy: {
      name: givenBy(values.name, "--name", "LAB_NAME"),
      subnet: givenBy(values.subnet, "--subnet", "LAB_SUBNET"),
      odooImage: givenBy(values["odoo-image"], "--odoo-image", "LAB_ODOO_IMAGE"),
      odooSource: givenBy(values["odoo-source"], "--odoo-source", "LAB_ODOO_SOURCE"),
    },
    name: flagOrEnvironment(values.name, "--name", "LAB_NAME", "a lab name, e.g. --name lab2"),
    subnet: flagOrEnvironment(values.subnet, "--subnet", "LAB_SUBNET", "a /24, e.g. --subnet 192.168.56.0/24"),
    odooImage: flagOrEnvironment(values["odoo-image"], "--odoo-image", "LAB_ODOO_IMAGE", "an image, e.g. --odoo-image odoo:17"),
    odooSource: flagOrEnvironment(values["odoo-source"], "--odoo-source", "LAB_ODOO_SOURCE", "a tarball or checkout of Odoo's source"),
  };
}

/**
 * A flag, else its environment variable. An empty one is an error, not the topology's default: an
 * unset shell variable (`lab down --name "$LAB"`) would otherwise name the default lab.
 */
function flagOrEnvironment(flag: string | undefined, flagName: string, variable: string, what: string): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === "") throw new Error(`${flagName} is empty: give ${what}, or leave the flag out for the topology's own`);
    return flag;
  }
  const value = process.env[variable];
  if (value !== undefined && value.trim() === "") throw new Error(`the environment variable ${variable} is set but empty: give ${what}, or unset it (unset ${variable}) for the topology's own`);
  return value;
}

/** How an override reached the command, for its error messages: the flag, or the variable that stood in for it. */
function givenBy(flag: string | undefined, flagName: string, variable: string): string {
  return flag === undefined && process.env[variable] !== undefined ? `the environment variable ${variable}` : flagName;
}
