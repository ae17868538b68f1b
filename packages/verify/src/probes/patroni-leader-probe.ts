import { parsePatroniCluster, type PatroniCluster } from "@odoo-ha-lab/roles";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/**
 * Which member Patroni reports as leader, asked on every PostgreSQL node (Patroni's own REST API,
 * the one HAProxy asks). `leader` is the first answering node's view; `views` keeps each node's
 * answer so a disagreement between them is visible.
 */
export async function probePatroniLeader(context: ProbeContext): Promise<ProbeAnswers["patroni-leader"]> {
  const views = await Promise.all(
    context.endpoints.postgresNodes.map(async ({ name }): Promise<[string, { leader: string | null; members: { name: string; role: string; state: string }[] } | undefined]> => {
      const cluster = clusterOf((await context.watches.get(name)?.next(context.timeoutMs))?.get("patroni"));
      if (!cluster) return [name, undefined];
      const members = cluster.members.map(({ name: member, role, state }) => ({ name: member, role, state }));
      return [name, { leader: members.find((member) => member.role === "leader")?.name ?? null, members }];
    }),
  );
  const answered = views.filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined);
  const leaders = [...new Set(answered.map(([, view]) => view.leader).filter((leader): leader is string => leader !== null))];
  return {
    leader: answered[0]?.[1].leader ?? null,
    leaders,
    views: Object.fromEntries(views.map(([name, view]) => [name, view === undefined ? "unreachable" : (view.leader ?? "no leader")])),
    members: answered[0]?.[1].members ?? [],
  };
}

function clusterOf(answer: { exitCode: number; stdout: string } | undefined): PatroniCluster | undefined {
  if (answer?.exitCode !== 0) return undefined;
  try {
    return parsePatroniCluster(answer.stdout);
  } catch {
    return undefined; // a reply cut short
  }
}
