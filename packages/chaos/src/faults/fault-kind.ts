import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";

/**
 * What a fault's node names are checked against: the lab's nodes, and the names a caller resolves
 * only when the fault runs (a scenario's `$primary` stands for whichever node leads then).
 */
export interface FaultTarget {
  readonly topology: Topology;
  /** The nodes a name may stand for; none when it names no node. */
  nodesNamed(name: string): TopologyNode[];
}

/** A target whose names are the lab's node names and nothing else (what the injector runs on). */
export function labNodes(topology: Topology): FaultTarget {
  return { topology, nodesNamed: (name) => topology.nodes.filter((node) => node.name === name) };
}

/**
 * One fault kind, or a family of kinds with the same fields and action (kill-, stop-, pause-node):
 * everything about it in one entry. The schema says what a spec may hold, in ranges that make sense;
 * `problems` says what only the lab can tell (does the node exist, does it run that service).
 */
export interface FaultKindEntry<Schema extends z.AnyZodObject = z.AnyZodObject> {
  readonly schema: Schema;
  /** One line for people: logs, reports, `lab heal` listings. */
  describe(spec: z.output<Schema>): string;
  /** Each problem as "field: what is wrong (and the fix)". */
  problems(spec: z.output<Schema>, target: FaultTarget): string[];
  action(spec: z.output<Schema>): FaultAction;
}

/** Declares an entry, its spec type read from its schema. */
export function faultKind<Schema extends z.AnyZodObject>(entry: FaultKindEntry<Schema>): FaultKindEntry<Schema> {
  return entry;
}

/**
 * A kind's schema: its fields, and nothing else (a field of another kind, or a typo, is named with
 * the fields this kind has).
 */
export function faultSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  const fields = Object.keys(shape).join(", ");
  return z
    .object(shape, {
      errorMap: (issue, context) => {
        if (issue.code !== z.ZodIssueCode.unrecognized_keys) return { message: context.defaultError };
        const kind = String((context.data as { kind?: unknown } | undefined)?.kind);
        return { message: `${issue.keys.map((key) => `'${key}'`).join(", ")}: not a field of a ${kind} fault (its fields: ${fields})` };
      },
    })
    .strict();
}

/** A node's name in a spec (a scenario's `$…` names are strings too, resolved when the step runs). */
export const nodeName = z.string().min(1, "name a node");

/** The node problems of one field: "node: no node named 'x' (nodes of lab y: a, b)". */
export function nodeProblems(field: string, name: string, target: FaultTarget): string[] {
  if (target.nodesNamed(name).length > 0) return [];
  return [`${field}: no node named '${name}' (nodes of lab ${target.topology.name}: ${target.topology.nodes.map((node) => node.name).join(", ")})`];
}
