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

export function networkName(lab: string): string {
  return `${lab}-net`;
}

export function volumeName(lab: string, node: string, purpose: string): string {
  return `${lab}-${node}-${purpose}`;
}
