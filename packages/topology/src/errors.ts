/** One thing wrong with a topology: where (a dotted path into the file), what, and how to fix it. */
export interface TopologyIssue {
  path: string;
  message: string;
  fix: string;
}

export class TopologyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: TopologyIssue[],
  ) {
    super(
      `${source} is not a valid topology:\n` +
        issues.map((issue) => `  - ${issue.path}: ${issue.message}\n    fix: ${issue.fix}`).join("\n"),
    );
    this.name = "TopologyError";
  }
}
