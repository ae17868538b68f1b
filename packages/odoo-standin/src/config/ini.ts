import { ConfigError } from "./errors.ts";

/**
 * The subset of Python's RawConfigParser that odoo.conf files use: `[section]` headers,
 * `key = value` or `key: value`, whole-line comments (`#`, `;`), indented continuation lines.
 * Keys are case-insensitive (lower-cased) and, as with Python's strict parser, a key or a section
 * given twice is an error rather than a silent override.
 */

export interface IniEntry {
  value: string;
  line: number;
}

export type IniSections = Map<string, Map<string, IniEntry>>;

export function parseIni(text: string, source: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, IniEntry> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const where = `${source}:${lineNumber}`;
    if (raw.trim() === "" || /^\s*[#;]/.test(raw)) {
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      // Continuation of the previous value, as configparser allows.
      const entry = current.get(lastKey)!;
      entry.value = `${entry.value}\n${raw.trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (header) {
      const name = header[1]!.trim();
      if (sections.has(name)) throw new ConfigError(`${where}: section [${name}] appears twice; merge the two sections into one.`);
      current = new Map();
      sections.set(name, current);
      lastKey = undefined;
      return;
    }
    const assignment = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!assignment) {
      throw new ConfigError(`${where}: cannot read '${raw.trim()}'; write options as 'key = value' under an [options] section.`);
    }
    if (!current) {
      throw new ConfigError(`${where}: '${assignment[1]}' comes before any section; put it under an [options] header.`);
    }
    const key = assignment[1]!.toLowerCase();
    if (current.has(key)) {
      throw new ConfigError(`${where}: option '${key}' is set twice (first on line ${current.get(key)!.line}); keep only one.`);
    }
    current.set(key, { value: assignment[2]!.trim(), line: lineNumber });
    lastKey = key;
  });
  return sections;
}
