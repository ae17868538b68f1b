import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { scenarioSchema, type Scenario } from "./scenario-schema.ts";

export class ScenarioError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} is not a valid scenario:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown;
  try {
    raw = parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new ScenarioError(file, [(error as Error).message.split("\n")[0] ?? "YAML error"]);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`));
  }
  const expectedName = basename(file).replace(/\.ya?ml$/, "");
  if (parsed.data.name !== expectedName) throw new ScenarioError(file, [`name: '${parsed.data.name}' must match the file name '${expectedName}'`]);
  return parsed.data;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, "utf8"), file);
}

/** Every scenario in a directory, sorted by name. */
export function loadScenarios(directory: string): Scenario[] {
  return readdirSync(directory)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => loadScenario(join(directory, entry)));
}
