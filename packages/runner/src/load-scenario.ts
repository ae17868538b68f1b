import { readdirSync } from "node:fs";
import { readInputFile, readYaml } from "@odoo-ha-lab/topology";
import { basename, join } from "node:path";
import type { ZodIssue } from "zod";
import { scenarioSchema, WORKLOAD_STEADY, type Scenario } from "./scenario-schema.ts";

export class ScenarioError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} is not a valid scenario:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

export function parseScenario(text: string, file: string): Scenario {
  const yaml = readYaml(text);
  if ("issues" in yaml) throw new ScenarioError(file, yaml.issues.map((issue) => `${issue.path}: ${issue.message}: ${issue.fix}`));
  const parsed = scenarioSchema.safeParse(yaml.value);
  if (!parsed.success) {
    throw new ScenarioError(file, parsed.error.issues.flatMap(closestIssues).map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`));
  }
  const expectedName = basename(file).replace(/\.ya?ml$/, "");
  if (parsed.data.name !== expectedName) throw new ScenarioError(file, [`name: '${parsed.data.name}' must match the file name '${expectedName}'`]);
  const unloaded = unloadedSteadyKinds(parsed.data);
  if (unloaded.length > 0) throw new ScenarioError(file, unloaded);
  return parsed.data;
}

/** A workload-steady step waits for operations of its kinds: a kind the workload does not run would never come. */
function unloadedSteadyKinds(scenario: Scenario): string[] {
  const running = Object.entries(scenario.workload.rates).filter(([, rate]) => rate > 0).map(([kind]) => kind);
  return scenario.method.flatMap((step, index) =>
    "until" in step && step.until === WORKLOAD_STEADY
      ? step.kinds.filter((kind) => !running.includes(kind)).map((kind) => `method.${index}.kinds: '${kind}' is not in workload.rates (it runs ${running.join(", ") || "nothing"}): add a rate for it or drop it here`)
      : [],
  );
}

/**
 * A method step matches none of the step shapes: zod says only "Invalid input". The shape that knows
 * the step's keys, with the fewest complaints, is the one the author meant (an `until` with a
 * misspelt kind fails the workload-steady shape on that kind alone, and every other shape on several
 * keys), so its complaints are the ones worth reading.
 */
function closestIssues(issue: ZodIssue): ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.unionErrors.length === 0) return [issue];
  // A shape that finds one of the step's own keys unknown (`inject` to the `wait` shape) is not the
  // one meant, however few its other complaints.
  const keysKnown = issue.unionErrors.filter((candidate) => !candidate.issues.some((inner) => inner.code === "unrecognized_keys" && inner.path.length === issue.path.length));
  const candidates = keysKnown.length > 0 ? keysKnown : issue.unionErrors;
  const closest = candidates.reduce((best, candidate) => (candidate.issues.length < best.issues.length ? candidate : best));
  return closest.issues.flatMap(closestIssues);
}

export function loadScenario(file: string): Scenario {
  const input = readInputFile(file, "pass the path of a scenario YAML file, or a name from `pnpm lab scenarios`");
  if ("issue" in input) throw new ScenarioError(file, [`${input.issue.path}: ${input.issue.message}: ${input.issue.fix}`]);
  return parseScenario(input.text, file);
}

/** Every scenario in a directory, sorted by name. */
export function loadScenarios(directory: string): Scenario[] {
  return readdirSync(directory)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => loadScenario(join(directory, entry)));
}
