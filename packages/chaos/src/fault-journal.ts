import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describeFault } from "./fault-catalogue.ts";
import type { FaultRecord } from "./fault-spec.ts";

interface JournalFile {
  version: 1;
  lab: string;
  faults: FaultRecord[];
}

/**
 * The faults of one lab, as a JSON file: written before a fault is acted on and after every step, so
 * a later process (or `lab heal`) can undo what a crashed one left. Each change re-reads the file and
 * replaces it atomically (write, then rename); changes from one process are serialized.
 */
export class FaultJournal {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly lab: string,
  ) {}

  async read(): Promise<FaultRecord[]> {
    await this.queue.catch(() => undefined);
    return (await this.load()).faults;
  }

  add(record: FaultRecord): Promise<FaultRecord> {
    return this.change((file) => {
      if (file.faults.some((existing) => existing.id === record.id)) throw new Error(`fault ${record.id} is already in ${this.path}`);
      file.faults.push(record);
      return record;
    });
  }

  /** Applies `patch` to one record; keys set to undefined are removed. */
  update(id: string, patch: Partial<FaultRecord>): Promise<FaultRecord> {
    return this.change((file) => {
      const record = file.faults.find((existing) => existing.id === id);
      if (!record) throw new Error(`no fault ${id} in ${this.path} (faults there: ${file.faults.map((fault) => fault.id).join(", ") || "none"})`);
      Object.assign(record, patch);
      for (const key of Object.keys(patch) as (keyof FaultRecord)[]) if (patch[key] === undefined) delete record[key];
      return { ...record };
    });
  }

  private change<T>(apply: (file: JournalFile) => T): Promise<T> {
    const next = this.queue.catch(() => undefined).then(async () => {
      const file = await this.load();
      const result = apply(file);
      await this.save(file);
      return result;
    });
    this.queue = next;
    return next;
  }

  private async load(): Promise<JournalFile> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, lab: this.lab, faults: [] };
      throw error;
    }
    let file: JournalFile;
    try {
      file = JSON.parse(text) as JournalFile;
    } catch (error) {
      throw new Error(`fault journal ${this.path} is not valid JSON (${(error as Error).message}). Heal by hand what it lists, then move it aside.`);
    }
    if (file.version !== 1 || !Array.isArray(file.faults)) throw new Error(`fault journal ${this.path} is not a version 1 journal. Move it aside.`);
    if (file.lab !== this.lab) throw new Error(`fault journal ${this.path} belongs to lab '${file.lab}', not '${this.lab}'. Use that lab's journal.`);
    // Records written before they carried their sentence get it from their spec.
    for (const record of file.faults) record.description ??= describeFault(record.spec);
    return file;
  }

  private async save(file: JournalFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(file, null, 2) + "\n");
    await rename(temporary, this.path);
  }
}
