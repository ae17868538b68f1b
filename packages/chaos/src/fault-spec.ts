export type { FaultKind, FaultSpec } from "./fault-catalogue.ts";
import type { FaultSpec } from "./fault-catalogue.ts";

/**
 * A fault as the journal keeps it. Each kind knows how to heal itself from its spec alone, so `lab
 * heal` can undo faults a crashed run left behind.
 */
export interface FaultRecord {
  id: string;
  spec: FaultSpec;
  /** The spec as a sentence ("kill node postgresql1"): what reports and `lab heal` show. */
  description: string;
  /** Epoch milliseconds: when the injection began (the record is written before anything is done). */
  injectedAt: number;
  /** When the injection finished and the fault was in effect. Missing: it failed, or the injector crashed. */
  activeAt?: number;
  /**
   * When the fault itself took effect, where its action can tell (a SIGKILL's instant, by the node's
   * clock), between injectedAt and activeAt: reaching the node took part of that time, and nothing
   * had happened to the lab yet. The checkers time a fault from here when it is known.
   */
  landedAt?: number;
  /** When the last heal began. */
  healStartedAt?: number;
  healedAt?: number;
  /** The last failure, prefixed with the step ("inject: …" or "heal: …"). */
  error?: string;
  /** What the injector saw and chose along the way (e.g. a node that was down and got no rules). */
  notes?: string[];
}
