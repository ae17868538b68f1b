import { createHash, createHmac } from "node:crypto";
import type { Env } from "../models/env.ts";
import { verifyPassword } from "../models/password.ts";
import { recordLogin } from "../models/res-users.ts";
import { accessDenied } from "./errors.ts";

/**
 * Credentials as Odoo 17 checks them: login + password against the pbkdf2 hash (res.users
 * authenticate), (uid, password) for every external call, cached per process like Odoo's
 * ormcache on _check_uid_passwd, and a session token bound to the user's login, hash and active
 * flag so that changing a password ends the other sessions.
 */

/** Returns the uid, or throws AccessDenied; a successful login is recorded in res_users_log. */
export async function authenticate(env: Env, login: unknown, password: unknown, from: string): Promise<number> {
  const logger = env.services.logger;
  const fail = (): never => {
    logger.info("odoo.addons.base.models.res_users", `Login failed for db:${env.cr.dbname} login:${String(login)} from ${from}`);
    throw accessDenied();
  };
  if (typeof login !== "string" || login === "" || typeof password !== "string" || password === "") return fail();
  const rows = await env.cr.query<{ id: number; password: string | null }>(`SELECT id, password FROM res_users WHERE login = $1 AND active`, [login]);
  const user = rows[0];
  if (!user || !(await verifyPassword(password, user.password))) return fail();
  await recordLogin(env, user.id);
  logger.info("odoo.addons.base.models.res_users", `Login successful for db:${env.cr.dbname} login:${login} from ${from}`);
  return user.id;
}

/**
 * Successful (uid, password) checks of this process, keyed by a hash of the uid, the password and
 * the user's stored hash (never the password itself): a password changed on any server makes the
 * entry stale at once, as Odoo's cache invalidation across workers does.
 *
 * A check not yet cached runs once per process however many requests ask for it meanwhile. An Odoo
 * worker serves one request at a time, so it hashes once and the requests queued behind it hit the
 * cache. This server takes requests concurrently: without sharing the check, a restarted node under
 * load started one 600 000-round pbkdf2 per waiting request, and its CPUs never caught up.
 */
export class CredentialCache {
  private readonly known = new Set<string>();
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(private readonly capacity = 1024) {}

  has(uid: number, password: string, storedHash: string): boolean {
    return this.known.has(this.key(uid, password, storedHash));
  }

  add(uid: number, password: string, storedHash: string): void {
    if (this.known.size >= this.capacity) this.known.clear();
    this.known.add(this.key(uid, password, storedHash));
  }

  /** `verify`'s answer for these credentials, computed once for all concurrent askers; a success is cached. */
  async verifyOnce(uid: number, password: string, storedHash: string, verify: () => Promise<boolean>): Promise<boolean> {
    const key = this.key(uid, password, storedHash);
    if (this.known.has(key)) return true;
    let check = this.checking.get(key);
    if (!check) {
      check = verify().finally(() => this.checking.delete(key));
      this.checking.set(key, check);
    }
    const valid = await check;
    if (valid) this.add(uid, password, storedHash);
    return valid;
  }

  private key(uid: number, password: string, storedHash: string): string {
    return createHash("sha256").update(`${uid}\0${password}\0${storedHash}`).digest("hex");
  }
}

interface UserRow {
  id: number;
  login: string;
  password: string | null;
  active: boolean;
}

/**
 * The read the per-call checks need, for Database.transaction's `prelude` (sent with BEGIN).
 * `uid` must be a checked integer: it is written into the SQL.
 */
export function userRowQuery(uid: number): string {
  if (!Number.isSafeInteger(uid)) throw accessDenied();
  return `SELECT id, login, password, active FROM res_users WHERE id = ${uid}`;
}

async function userRow(env: Env, uid: number): Promise<UserRow | undefined> {
  const prelude = env.cr.preludeRows[0] as UserRow | undefined;
  if (prelude?.id === uid) return prelude;
  return (await env.cr.query<UserRow & Record<string, unknown>>(userRowQuery(uid)))[0];
}

/** res.users._check_uid_passwd: AccessDenied unless uid is an active user with that password. */
export async function checkUidPassword(env: Env, cache: CredentialCache, uid: unknown, password: unknown): Promise<void> {
  if (typeof uid !== "number" || !Number.isSafeInteger(uid) || typeof password !== "string" || password === "") throw accessDenied();
  const user = await userRow(env, uid);
  if (!user?.active || !user.password) throw accessDenied();
  const storedHash = user.password;
  if (!(await cache.verifyOnce(uid, password, storedHash, () => verifyPassword(password, storedHash)))) throw accessDenied();
}

const secrets = new Map<string, string>();

/** HMAC of the session id, keyed by the database secret and the user's login, hash and active flag. */
export async function computeSessionToken(env: Env, uid: number, sid: string): Promise<string | undefined> {
  const user = await userRow(env, uid);
  if (!user?.active) return undefined;
  let secret = secrets.get(env.cr.dbname);
  if (secret === undefined) {
    const parameter = await env.cr.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = 'database.secret'`);
    secret = parameter[0]?.value ?? "";
    secrets.set(env.cr.dbname, secret);
  }
  return createHmac("sha256", JSON.stringify([secret, uid, user.login, user.password, user.active])).update(sid).digest("hex");
}
