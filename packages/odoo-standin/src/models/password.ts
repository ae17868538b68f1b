import { pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

/**
 * Password hashes in passlib's pbkdf2_sha512 format, the one Odoo 17 stores in res_users.password:
 *   $pbkdf2-sha512$600000$<salt, adapted base64>$<checksum, adapted base64>
 * 600 000 rounds as Odoo 17; hashing runs on libuv's thread pool, so it does not block requests.
 */

const pbkdf2Async = promisify(pbkdf2);
const ROUNDS = 600_000;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const checksum = await pbkdf2Async(password, salt, ROUNDS, 64, "sha512");
  return `$pbkdf2-sha512$${ROUNDS}$${toAdaptedBase64(salt)}$${toAdaptedBase64(checksum)}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false;
  const parts = /^\$pbkdf2-sha512\$(\d+)\$([./A-Za-z0-9]+)\$([./A-Za-z0-9]+)$/.exec(stored);
  if (!parts) return false;
  const expected = fromAdaptedBase64(parts[3]!);
  const actual = await pbkdf2Async(password, fromAdaptedBase64(parts[2]!), Number(parts[1]), expected.length, "sha512");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** passlib's "ab64": standard base64 with '.' instead of '+' and no padding. */
function toAdaptedBase64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/\+/g, ".").replace(/=+$/, "");
}

function fromAdaptedBase64(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, "+"), "base64");
}
