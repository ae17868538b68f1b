import type { Topology } from "@odoo-ha-lab/topology";
import { z } from "zod";
import { bandwidthFault } from "./faults/bandwidth.ts";
import { cpuHogFault } from "./faults/cpu-hog.ts";
import { drainAppNodeFault } from "./faults/drain-app-node.ts";
import type { FaultAction } from "./faults/fault-action.ts";
import { labNodes, type FaultKindEntry, type FaultTarget } from "./faults/fault-kind.ts";
import { fillDiskFault } from "./faults/fill-disk.ts";
import { latencyFault } from "./faults/latency.ts";
import { isolateFault, packetLossFault, partitionFault } from "./faults/network-drop.ts";
import { nodePowerFault } from "./faults/node-power.ts";
import { crashPostgresFault, switchoverFault } from "./faults/patroni-faults.ts";
import { serviceFault } from "./faults/service-faults.ts";

/**
 * Every fault kind the lab can inject, one entry each (see faults/fault-kind.ts). A new kind is a
 * file in faults/ with its entry, and one line here: the schema scenarios are read with, the checks,
 * the sentence and the action all come from that entry.
 */
const CATALOGUE = [nodePowerFault, serviceFault, crashPostgresFault, switchoverFault, drainAppNodeFault, partitionFault, isolateFault, packetLossFault, latencyFault, bandwidthFault, fillDiskFault, cpuHogFault] as const;

/** The spec of one entry; over the catalogue's union of entries, the union of every kind's spec. */
type SpecOf<Entry> = Entry extends FaultKindEntry<infer Schema> ? z.output<Schema> : never;

/** A fault as data: what a scenario file names, what `lab chaos` takes and what the journal records. */
export type FaultSpec = SpecOf<(typeof CATALOGUE)[number]>;
export type FaultKind = FaultSpec["kind"];

function kindsOf(entry: FaultKindEntry): string[] {
  const kind = entry.schema.shape.kind as z.ZodEnum<[string, ...string[]]> | z.ZodLiteral<string>;
  return kind instanceof z.ZodEnum ? [...kind.options] : [kind.value];
}

/** Every kind's name, in catalogue order (for error messages and listings). */
export const FAULT_KINDS: readonly string[] = CATALOGUE.flatMap((entry) => kindsOf(entry));

type UnionOptions = [z.ZodDiscriminatedUnionOption<"kind">, ...z.ZodDiscriminatedUnionOption<"kind">[]];

/**
 * The schema of every spec: a spec's kind picks its entry's schema. (zod types a union only from a
 * literal tuple; this one is built from the catalogue, and its type is the entries' specs above.)
 */
export const faultSpecSchema = z.discriminatedUnion("kind", CATALOGUE.map((entry) => entry.schema) as unknown as UnionOptions, {
  errorMap: (issue, context) =>
    issue.code === z.ZodIssueCode.invalid_union_discriminator ? { message: kindProblem((context.data as { kind?: unknown } | undefined)?.kind) } : { message: context.defaultError },
}) as unknown as z.ZodType<FaultSpec>;

function kindProblem(kind: unknown): string {
  return kind === undefined ? `name the fault's kind: one of ${FAULT_KINDS.join(", ")}` : `unknown fault kind '${String(kind)}': use one of ${FAULT_KINDS.join(", ")}`;
}

function entryOf(spec: FaultSpec): FaultKindEntry {
  const entry = CATALOGUE.find((candidate) => kindsOf(candidate as FaultKindEntry).includes(spec.kind));
  if (!entry) throw new Error(kindProblem(spec.kind));
  // The entry was found by the spec's kind, so the spec has that entry's shape.
  return entry as unknown as FaultKindEntry;
}

/** One line for people: logs, reports, `lab heal` listings. */
export function describeFault(spec: FaultSpec): string {
  return entryOf(spec).describe(spec);
}

/** The reversible action that injects and heals the spec. */
export function faultAction(spec: FaultSpec): FaultAction {
  return entryOf(spec).action(spec);
}

/**
 * Everything wrong with a spec, each as "field: problem": its shape and ranges first; only a spec of
 * the right shape is checked against the target (its nodes, their services and roles).
 */
export function faultProblems(spec: unknown, target: FaultTarget): string[] {
  const parsed = faultSpecSchema.safeParse(spec);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join(".") || "(the fault)"}: ${issue.message}`);
  return entryOf(parsed.data).problems(parsed.data, target);
}

/** A spec that cannot run on the lab: every problem is listed with the field and the fix. */
export class FaultSpecError extends Error {
  constructor(
    readonly spec: unknown,
    readonly problems: string[],
  ) {
    super(`invalid fault ${JSON.stringify(spec)}:\n  - ${problems.join("\n  - ")}`);
    this.name = "FaultSpecError";
  }
}

/** Checks a spec against the lab before anything is touched. */
export function validateFaultSpec(spec: FaultSpec, topology: Topology): void {
  const problems = faultProblems(spec, labNodes(topology));
  if (problems.length) throw new FaultSpecError(spec, problems);
}
