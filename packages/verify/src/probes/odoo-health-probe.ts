import { OdooClient } from "../odoo/odoo-client.ts";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/** GET /web/health on each app node directly, as HAProxy's check does: { odoo1: true, odoo2: false }. */
export async function probeOdooHealth(context: ProbeContext): Promise<ProbeAnswers["odoo-health"]> {
  const entries = await Promise.all(
    context.endpoints.appNodes.map(async ({ name, url }) => [name, await new OdooClient({ url, db: context.endpoints.database, timeoutMs: context.timeoutMs }).health()] as const),
  );
  return Object.fromEntries(entries);
}
