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

/** The Odoo user the lab logs in as everywhere (the lab replaces the factory password with its secret). */
export const ODOO_ADMIN_LOGIN = "admin";

export function odooAdminCredentials(secrets: LabSecrets): { login: string; password: string } {
  return { login: ODOO_ADMIN_LOGIN, password: secrets.odooAdminPassword };
}
