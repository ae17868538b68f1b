/**
 * Errors as Odoo reports them to RPC clients. `name` is what Odoo puts in `error.data.name`: the
 * Python class path (`odoo.exceptions.AccessDenied`, `psycopg2.OperationalError`,
 * `builtins.ValueError`...), because clients (and the lab's verifier) branch on it.
 */
export class OdooError extends Error {
  constructor(
    readonly pythonName: string,
    message: string,
    /** JSON-RPC `error.code`: 200 for every server error, 100 for an expired session. */
    readonly code: 200 | 100 = 200,
  ) {
    super(message);
    this.name = "OdooError";
  }
}

export const accessDenied = (message = "Access Denied"): OdooError => new OdooError("odoo.exceptions.AccessDenied", message);
export const accessError = (message: string): OdooError => new OdooError("odoo.exceptions.AccessError", message);
export const userError = (message: string): OdooError => new OdooError("odoo.exceptions.UserError", message);
export const validationError = (message: string): OdooError => new OdooError("odoo.exceptions.ValidationError", message);
export const missingError = (model: string, ids: number[], uid: number): OdooError =>
  new OdooError(
    "odoo.exceptions.MissingError",
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(", ")}${ids.length === 1 ? "," : ""}), User: ${uid})`,
  );
export const valueError = (message: string): OdooError => new OdooError("builtins.ValueError", message);
export const typeError = (message: string): OdooError => new OdooError("builtins.TypeError", message);
export const keyError = (message: string): OdooError => new OdooError("builtins.KeyError", message);
export const attributeError = (message: string): OdooError => new OdooError("builtins.AttributeError", message);
export const sessionExpired = (): OdooError => new OdooError("odoo.http.SessionExpiredException", "Session expired", 100);
