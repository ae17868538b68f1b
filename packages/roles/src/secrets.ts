import { randomBytes } from "node:crypto";

/** Credentials generated for each lab: never fixed in the repository. */
export interface LabSecrets {
  postgresSuperuserPassword: string;
  replicationPassword: string;
  rewindPassword: string;
  odooDbUser: string;
  odooDbPassword: string;
  odooAdminPassword: string;
  odooMasterPassword: string;
  patroniRestPassword: string;
}

function token(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}

export function generateSecrets(): LabSecrets {
  return {
    postgresSuperuserPassword: token(),
    replicationPassword: token(),
    rewindPassword: token(),
    odooDbUser: "odoo",
    odooDbPassword: token(),
    odooAdminPassword: token(12),
    odooMasterPassword: token(),
    patroniRestPassword: token(),
  };
}
