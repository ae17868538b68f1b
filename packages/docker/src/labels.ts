import { SINGLE_NETWORK } from "@odoo-ha-lab/topology";

/** Everything a lab creates carries these labels: `down` and `lab heal` find it all by them. */
export const LABEL_LAB = "odoo-ha-lab.lab";
export const LABEL_NODE = "odoo-ha-lab.node";
export const LABEL_KIND = "odoo-ha-lab.kind";

export function labFilter(lab: string): { label: string[] } {
  return { label: [`${LABEL_LAB}=${lab}`] };
}

export function containerName(lab: string, node: string): string {
  return `${lab}-${node}`;
}

/** A lab network's bridge: `<lab>-net` for a one-network lab's, `<lab>-<network>` for each of several. */
export function networkName(lab: string, network: string = SINGLE_NETWORK): string {
  return network === SINGLE_NETWORK ? `${lab}-net` : `${lab}-${network}`;
}

export function volumeName(lab: string, node: string, purpose: string): string {
  return `${lab}-${node}-${purpose}`;
}
