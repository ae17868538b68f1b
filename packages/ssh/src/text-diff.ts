/**
 * Unified diffs for `lab up --check`, with secrets masked: config files hold passwords, and a diff
 * is printed. A line is masked when it names a password or secret, or holds one of the lab's secrets.
 */

const SECRET_LINE = /passw(or)?d|secret|token|auth_pass/i;
const MASK = "********";

export function maskLine(line: string, secretValues: readonly string[] = []): string {
  const holdsValue = secretValues.some((value) => value.length >= 4 && line.includes(value));
  if (!SECRET_LINE.test(line) && !holdsValue) return line;
  // Keep the key so a reader sees which setting changed: "db_password = ********", "  password: ********".
  const key = /^(\s*[^:=\s]+\s*[:=])/.exec(line)?.[1];
  return key ? `${key} ${MASK} (masked)` : `${MASK} (a line with a secret, masked)`;
}

export function maskSecrets(text: string, secretValues: readonly string[] = []): string {
  return text
    .split("\n")
    .map((line) => maskLine(line, secretValues))
    .join("\n");
}

type Edit = { kind: " " | "-" | "+"; line: string };

/** Line edits by longest common subsequence (config files are small; past the limit, say so instead). */
function lineEdits(before: string[], after: string[]): Edit[] | undefined {
  const n = before.length;
  const m = after.length;
  if (n * m > 4_000_000) return undefined;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      edits.push({ kind: " ", line: before[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Deletions before insertions, as diff -u prints them.
      edits.push({ kind: "-", line: before[i]! });
      i++;
    } else {
      edits.push({ kind: "+", line: after[j]! });
      j++;
    }
  }
  return edits;
}

/**
 * A unified diff (3 lines of context) from `before` (the host's file; undefined: absent) to `after`
 * (what the lab would write), every line passed through the mask. Empty when the texts are equal.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string, secretValues: readonly string[] = []): string {
  if (before === after) return "";
  const split = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const old = before === undefined ? [] : split(before);
  const edits = lineEdits(old, split(after));
  const header = [`--- ${before === undefined ? "/dev/null" : `${path} (on the node)`}`, `+++ ${path} (the lab's)`];
  if (!edits) return `${header.join("\n")}\n(too large to diff: ${old.length} → ${split(after).length} lines)\n`;
  const context = 3;
  const changed = edits.map((edit, index) => (edit.kind === " " ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return `${header.join("\n")}\n(only the trailing newline differs)\n`;
  const hunks: string[] = [];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context) end++;
    const from = Math.max(0, changed[start]! - context);
    const to = Math.min(edits.length - 1, changed[end]! + context);
    const slice = edits.slice(from, to + 1);
    const oldStart = edits.slice(0, from).filter((edit) => edit.kind !== "+").length + 1;
    const newStart = edits.slice(0, from).filter((edit) => edit.kind !== "-").length + 1;
    const oldCount = slice.filter((edit) => edit.kind !== "+").length;
    const newCount = slice.filter((edit) => edit.kind !== "-").length;
    hunks.push(`@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`);
    for (const edit of slice) hunks.push(`${edit.kind}${maskLine(edit.line, secretValues)}`);
    start = end + 1;
  }
  return `${[...header, ...hunks].join("\n")}\n`;
}
