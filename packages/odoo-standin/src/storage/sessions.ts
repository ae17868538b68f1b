import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withDeadline } from "./bounded-fs.ts";

/**
 * HTTP sessions as files, laid out like Odoo 17's FilesystemSessionStore:
 *   <data_dir>/sessions/<first 2 chars of the id>/<84-char session id>   (JSON)
 * so two servers sharing data_dir share sessions, and losing data_dir looks like a logout.
 */

export interface SessionData {
  db: string | null;
  uid: number | null;
  login: string | null;
  session_token: string | null;
  context: Record<string, unknown>;
  debug: string;
  create_time: number;
}

export interface Session {
  sid: string;
  data: SessionData;
}

const SESSION_ID = /^[A-Za-z0-9_-]{84}$/;

export function isValidSessionId(sid: string): boolean {
  return SESSION_ID.test(sid);
}

/** 63 random bytes in URL-safe base64: 84 characters, the shape of Odoo's session ids. */
export function newSessionId(): string {
  return randomBytes(63).toString("base64url");
}

export function sessionsDirectory(dataDir: string): string {
  return join(dataDir, "sessions");
}

export function sessionPath(dataDir: string, sid: string): string {
  return join(sessionsDirectory(dataDir), sid.slice(0, 2), sid);
}

export function emptySessionData(): SessionData {
  return { db: null, uid: null, login: null, session_token: null, context: {}, debug: "", create_time: Date.now() / 1000 };
}

export class SessionStore {
  constructor(
    readonly dataDir: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The stored session, or undefined when there is none. Like Odoo's store, a file that cannot be
   * read for any reason (missing, unreadable mount, bad JSON) gives no session, not an error: the
   * user then appears logged out.
   */
  async get(sid: string): Promise<Session | undefined> {
    if (!isValidSessionId(sid)) return undefined;
    const path = sessionPath(this.dataDir, sid);
    try {
      const text = await withDeadline(readFile(path, "utf8"), path, this.timeoutMs);
      const parsed = JSON.parse(text) as Partial<SessionData>;
      return { sid, data: { ...emptySessionData(), ...parsed } };
    } catch {
      return undefined;
    }
  }

  /** Writes atomically (temporary file in sessions/, then rename), as Odoo does; errors propagate. */
  async save(session: Session): Promise<void> {
    const root = sessionsDirectory(this.dataDir);
    const path = sessionPath(this.dataDir, session.sid);
    await withDeadline(mkdir(join(root, session.sid.slice(0, 2)), { recursive: true, mode: 0o755 }), root, this.timeoutMs);
    const temporary = join(root, `${randomBytes(6).toString("hex")}.__wz_sess`);
    await withDeadline(writeFile(temporary, JSON.stringify(session.data), { mode: 0o644 }), temporary, this.timeoutMs);
    await withDeadline(rename(temporary, path), path, this.timeoutMs);
  }

  async delete(sid: string): Promise<void> {
    if (!isValidSessionId(sid)) return;
    const path = sessionPath(this.dataDir, sid);
    try {
      await withDeadline(rm(path, { force: true }), path, this.timeoutMs);
    } catch {
      // Odoo ignores a failed delete too: the session file then simply expires.
    }
  }
}
