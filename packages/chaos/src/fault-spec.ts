/**
 * Faults as data: what a scenario file names and what the journal records. Each kind knows how to
 * heal itself from its spec alone, so `lab heal` can undo faults a crashed run left behind.
 */
export type FaultSpec =
  | { kind: "kill-node"; node: string }
  | { kind: "stop-node"; node: string }
  | { kind: "pause-node"; node: string }
  /**
   * Stop (clean) or kill (SIGKILL) one service on a node. A kill reaches every process of the service,
   * also those it detached: killing `patroni` kills its PostgreSQL too, as a crash of the unit would.
   */
  | { kind: "stop-service" | "kill-service"; node: string; service: string }
  /** Take an app node out of every load balancer, once its requests in flight are done (before a planned stop). */
  | { kind: "drain-app-node"; node: string }
  /** Drop traffic between two groups of nodes (iptables in each node's network namespace). */
  | { kind: "partition"; groups: [string[], string[]]; direction?: "both" | "first-to-second" }
  /** Cut one node off from every other lab node (and the host). */
  | { kind: "isolate"; node: string }
  /** Drop a fraction (0 < probability <= 1) of the packets a node receives and sends. */
  | { kind: "packet-loss"; node: string; probability: number }
  /** Delay what a node sends to some peers (tc netem; refused with UnsupportedFaultError where the kernel has no netem). */
  | { kind: "latency"; node: string; peers: string[]; delayMs: number }
  /** Throttle a node's link (tc tbf on what it sends, an iptables hashlimit policer on what it receives), e.g. to make a replica lag. Default: both. */
  | { kind: "bandwidth"; node: string; rateKbit: number; direction?: "both" | "egress" | "ingress" }
  /** Fill the filesystem that holds `path` until `leaveFreeMiB` (default 8) are left. */
  | { kind: "fill-disk"; node: string; path: string; leaveFreeMiB?: number }
  /** Busy loops, `workers` of them (default: the node's CPU count), ending by themselves after `seconds` (default 600). */
  | { kind: "cpu-hog"; node: string; workers?: number; seconds?: number };

export type FaultKind = FaultSpec["kind"];

export interface FaultRecord {
  id: string;
  spec: FaultSpec;
  /** Epoch milliseconds: when the injection began (the record is written before anything is done). */
  injectedAt: number;
  /** When the injection finished and the fault was in effect. Missing: it failed, or the injector crashed. */
  activeAt?: number;
  /** When the last heal began. */
  healStartedAt?: number;
  healedAt?: number;
  /** The last failure, prefixed with the step ("inject: …" or "heal: …"). */
  error?: string;
  /** What the injector saw and chose along the way (e.g. a node that was down and got no rules). */
  notes?: string[];
}
