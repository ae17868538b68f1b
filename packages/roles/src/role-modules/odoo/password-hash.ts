import { pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";

/**
 * A password as Odoo 17 stores it in res_users.password: passlib's pbkdf2_sha512 in its modular
 * crypt format, `$pbkdf2-sha512$<rounds>$<salt>$<checksum>`, salt and checksum in passlib's
 * "adapted base64" (no padding, "." for "+"). Odoo's floor is 600,000 rounds (res_users.py
 * MIN_ROUNDS): fewer would be rehashed at the next login. A restored lab database gets its admin
 * password this way, in the same statement as its new uuid, instead of three logins and a write
 * through the ORM (each login is such a hash, ~0.4 s of CPU here).
 */
export const ODOO_PASSWORD_ROUNDS = 600_000;

/** Off the event loop (600,000 rounds take ~0.3 s): the lab's other stages go on meanwhile. */
export async function odooPasswordHash(password: string, options: { rounds?: number; salt?: Buffer } = {}): Promise<string> {
  const rounds = options.rounds ?? ODOO_PASSWORD_ROUNDS;
  const salt = options.salt ?? randomBytes(16);
  const checksum = await promisify(pbkdf2)(password, salt, rounds, 64, "sha512");
  return `$pbkdf2-sha512$${rounds}$${adaptedBase64(salt)}$${adaptedBase64(checksum)}`;
}

function adaptedBase64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/=+$/, "").replace(/\+/g, ".");
}
