import { isScalar, LineCounter, parseDocument, visit, type Node } from "yaml";
import type { TopologyIssue } from "./errors.ts";

/**
 * How many values aliases (`*name`) may add to a file once expanded. The lab's own files use none;
 * a few dozen is plenty for a hand-written file, and an alias bomb (9 aliases of 9 of 9…) stops here
 * instead of expanding to millions of values.
 */
export const MAX_ALIAS_EXPANSION = 1000;

const SYNTAX_FIX = "fix the YAML syntax";
const TOO_DEEP: TopologyIssue = { path: "(file)", message: "is nested too deeply to read (thousands of levels of [ or {)", fix: "is this the right file? The lab's files nest a few levels" };

/**
 * One reader for every YAML input file of the lab (topologies, scenarios, inventories): the value,
 * or every issue with its line and a fix. It refuses what YAML allows and the lab does not: a key
 * twice in one mapping, merge keys (`<<`), aliases that expand past MAX_ALIAS_EXPANSION, nesting
 * deeper than the parser's stack.
 */
export function readYaml(text: string): { value: unknown } | { issues: TopologyIssue[] } {
  const lines = new LineCounter();
  // uniqueKeys off: the yaml package's own check compares every key with every other (11,000 keys
  // took 3.5 s); duplicateKeys() below does it with a set.
  const document = parseDocument(text, { uniqueKeys: false, merge: false, lineCounter: lines });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lines.linePos(offset).line);
  if (document.errors.length > 0) {
    // The parser's stack overflows once per nested collection it gave up on: one issue says it.
    if (document.errors.some((error) => /call stack/i.test(error.message))) return { issues: [TOO_DEEP] };
    return { issues: document.errors.map((error) => ({ path: `(line ${(error.linePos?.[0].line ?? 0).toString()})`, message: error.message.split("\n")[0] ?? error.message, fix: SYNTAX_FIX })) };
  }
  const structural = [...duplicateKeys(document.contents, lineOf), ...mergeKeys(document.contents, lineOf)];
  if (structural.length > 0) return { issues: structural };
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION }) };
  } catch (error) {
    const message = (error as Error).message;
    if (/alias count/i.test(message)) {
      return { issues: [{ path: "(file)", message: `its aliases (*name) expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?)`, fix: "write the values out; the lab's files need no aliases" }] };
    }
    if (error instanceof RangeError) return { issues: [TOO_DEEP] };
    return { issues: [{ path: "(file)", message: message.split("\n")[0] ?? message, fix: SYNTAX_FIX }] };
  }
}

type LineOf = (offset: number | undefined) => number;

/** Every key written twice in one mapping: the second would silently replace the first. */
function duplicateKeys(root: Node | null, lineOf: LineOf): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  visit(root, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const line = lineOf(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, line);
        else issues.push({ path: `(line ${line})`, message: `'${key}' is written twice in one mapping (first on line ${first})`, fix: "keep one; a node or field is declared twice" });
      }
    },
  });
  return issues;
}

/** `<<: *base`: YAML 1.1's merge key, which YAML 1.2 dropped; here it would read as a field named `<<`. */
function mergeKeys(root: Node | null, lineOf: LineOf): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  visit(root, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "<<") {
        issues.push({ path: `(line ${lineOf(pair.key.range?.[0])})`, message: "a YAML merge key (<<) is not supported", fix: "write the fields out in full" });
      }
    },
  });
  return issues;
}
