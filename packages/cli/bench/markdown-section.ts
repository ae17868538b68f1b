import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces one marked section of a markdown file (`<!-- id:begin -->` … `<!-- id:end -->`), so several
 * benchmarks can each own a part of docs/benchmarks.md.
 */
export function writeMarkdownSection(path: string, id: string, body: string): void {
  const begin = `<!-- ${id}:begin -->`;
  const end = `<!-- ${id}:end -->`;
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const block = `${begin}\n${body.trim()}\n${end}`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  const next = start >= 0 && stop > start ? text.slice(0, start) + block + text.slice(stop + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
