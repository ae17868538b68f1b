/**
 * The one piece of cron Python code the stand-in runs: the lab's run marker, which writes one
 * ir.logging row per run and runs unchanged on a real Odoo:
 *
 *   env['ir.logging'].sudo().create({'name': '<job name>', 'type': 'server', 'level': 'INFO',
 *     'dbname': env.cr.dbname, 'message': 'cron run', 'path': 'lab', 'func': 'cron', 'line': '0'})
 *
 * optionally preceded, on a line of its own, by work that takes a fixed time in the database
 * (so that cron throughput is bounded by the cron workers, not by the CPU):
 *
 *   env.cr.execute('SELECT pg_sleep(0.5)')
 *
 * Parsed token by token (whitespace, either quote style, key order and a trailing comma are free,
 * as in Python); anything else is rejected when the job is created or written.
 */

export const RUN_MARKER_KEYS = ["name", "type", "level", "dbname", "message", "path", "func", "line"] as const;
export type RunMarkerKey = (typeof RUN_MARKER_KEYS)[number];

/** `env.cr.dbname` in the code: the database the job runs in. */
export const CURRENT_DBNAME = Symbol("env.cr.dbname");

export type RunMarker = Record<RunMarkerKey, string | typeof CURRENT_DBNAME>;

/** workSeconds: the job's `SELECT pg_sleep(<seconds>)` before its marker, when it has one. */
export type CodeFormResult = { ok: true; marker: RunMarker; workSeconds?: number } | { ok: false; problem: string };

/** The longest work a job may declare: well inside the database's statement timeout. */
export const MAX_WORK_SECONDS = 60;

export const SUPPORTED_FORM =
  "env['ir.logging'].sudo().create({'name': '<job name>', 'type': 'server', 'level': 'INFO', 'dbname': env.cr.dbname, 'message': 'cron run', 'path': 'lab', 'func': 'cron', 'line': '0'})" +
  ", optionally preceded by the line env.cr.execute('SELECT pg_sleep(<seconds>)')";

/**
 * The run-marker code for a job, with the name quoted as a Python string literal; with workSeconds,
 * the job first sleeps that long in the database.
 */
export function runMarkerCode(jobName: string, message = "cron run", workSeconds?: number): string {
  const marker =
    `env['ir.logging'].sudo().create({'name': ${pythonString(jobName)}, 'type': 'server', 'level': 'INFO', ` +
    `'dbname': env.cr.dbname, 'message': ${pythonString(message)}, 'path': 'lab', 'func': 'cron', 'line': '0'})`;
  return workSeconds === undefined ? marker : `env.cr.execute('SELECT pg_sleep(${workSeconds})')\n${marker}`;
}

export function parseCronCode(code: string): CodeFormResult {
  try {
    const parser = new Parser(code);
    const workSeconds = parser.work();
    const marker = parser.runMarker();
    return workSeconds === undefined ? { ok: true, marker } : { ok: true, marker, workSeconds };
  } catch (error) {
    if (error instanceof CodeFormProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

export function pythonString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}'`;
}

class CodeFormProblem extends Error {}

class Parser {
  private position = 0;

  constructor(private readonly source: string) {}

  /** `env.cr.execute('SELECT pg_sleep(<seconds>)')` and its line end, if the code starts with it. */
  work(): number | undefined {
    this.skipSpace();
    if (!/^env\s*\.\s*cr\s*\./.test(this.source.slice(this.position))) return undefined;
    this.word("env");
    this.symbol(".");
    this.word("cr");
    this.symbol(".");
    this.word("execute");
    this.symbol("(");
    const query = this.string();
    this.symbol(")");
    const sleep = /^\s*SELECT\s+pg_sleep\s*\(\s*(\d+(?:\.\d+)?)\s*\)\s*;?\s*$/i.exec(query);
    if (!sleep) this.fail(`the only query a job may run is 'SELECT pg_sleep(<seconds>)', not '${query}'`);
    const seconds = Number(sleep[1]);
    if (!(seconds > 0 && seconds <= MAX_WORK_SECONDS)) this.fail(`pg_sleep takes from more than 0 to ${MAX_WORK_SECONDS} seconds here, not ${seconds}`);
    // Python needs a new statement: a line break or ';' before the marker.
    while (this.source[this.position] === " " || this.source[this.position] === "\t") this.position++;
    const end = this.source[this.position];
    if (end !== "\n" && end !== "\r" && end !== ";") this.fail("put the run marker on a line of its own after env.cr.execute(...)");
    this.position++;
    return seconds;
  }

  runMarker(): RunMarker {
    this.word("env");
    this.symbol("[");
    const model = this.string();
    if (model !== "ir.logging") this.fail(`the model must be 'ir.logging', not '${model}'`);
    this.symbol("]");
    this.symbol(".");
    this.word("sudo");
    this.symbol("(");
    this.symbol(")");
    this.symbol(".");
    this.word("create");
    this.symbol("(");
    const values = this.dict();
    this.symbol(")");
    this.skipSpace();
    if (this.position < this.source.length) this.fail(`unexpected text after the create(...) call: '${this.source.slice(this.position, this.position + 20)}'`);

    const missing = RUN_MARKER_KEYS.filter((key) => !values.has(key));
    if (missing.length > 0) this.fail(`the dict lacks ${missing.map((key) => `'${key}'`).join(", ")}`);
    const marker = Object.fromEntries(values) as RunMarker;
    for (const key of RUN_MARKER_KEYS) {
      if (key !== "dbname" && marker[key] === CURRENT_DBNAME) this.fail(`only 'dbname' may be env.cr.dbname; give '${key}' a string`);
    }
    if (marker.type !== "server" && marker.type !== "client") this.fail(`'type' must be 'server' or 'client'`);
    if (marker.name === "") this.fail("'name' must not be empty");
    return marker;
  }

  private dict(): Map<RunMarkerKey, string | typeof CURRENT_DBNAME> {
    this.symbol("{");
    const values = new Map<RunMarkerKey, string | typeof CURRENT_DBNAME>();
    while (!this.peek("}")) {
      const key = this.string();
      if (!(RUN_MARKER_KEYS as readonly string[]).includes(key)) this.fail(`unexpected key '${key}' (allowed: ${RUN_MARKER_KEYS.join(", ")})`);
      if (values.has(key as RunMarkerKey)) this.fail(`key '${key}' appears twice`);
      this.symbol(":");
      values.set(key as RunMarkerKey, this.value());
      if (!this.peek("}")) this.symbol(",");
    }
    this.symbol("}");
    return values;
  }

  private value(): string | typeof CURRENT_DBNAME {
    this.skipSpace();
    if (this.source.startsWith("env", this.position)) {
      this.word("env");
      this.symbol(".");
      this.word("cr");
      this.symbol(".");
      this.word("dbname");
      return CURRENT_DBNAME;
    }
    return this.string();
  }

  private string(): string {
    this.skipSpace();
    const quote = this.source[this.position];
    if (quote !== "'" && quote !== '"') this.fail(`expected a quoted string at '${this.source.slice(this.position, this.position + 20)}'`);
    this.position++;
    let result = "";
    for (;;) {
      const char = this.source[this.position];
      if (char === undefined || char === "\n") this.fail("a string is not closed");
      this.position++;
      if (char === quote) return result;
      if (char === "\\") {
        const escaped = this.source[this.position++];
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
        const replacement = escaped === undefined ? undefined : map[escaped];
        if (replacement === undefined) this.fail(`unsupported escape '\\${escaped ?? ""}' in a string`);
        result += replacement;
      } else {
        result += char;
      }
    }
  }

  private word(expected: string): void {
    this.skipSpace();
    const found = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.source.slice(this.position))?.[0];
    if (found !== expected) this.fail(`expected '${expected}' at '${this.source.slice(this.position, this.position + 20)}'`);
    this.position += expected.length;
  }

  private symbol(expected: string): void {
    this.skipSpace();
    if (this.source[this.position] !== expected) this.fail(`expected '${expected}' at '${this.source.slice(this.position, this.position + 20)}'`);
    this.position++;
  }

  private peek(expected: string): boolean {
    this.skipSpace();
    return this.source[this.position] === expected;
  }

  private skipSpace(): void {
    while (this.position < this.source.length && /\s/.test(this.source[this.position]!)) this.position++;
  }

  private fail(problem: string): never {
    throw new CodeFormProblem(problem);
  }
}
