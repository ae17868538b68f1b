import { nodesWithRole } from "@odoo-ha-lab/topology";
import { run, type Host } from "../host.ts";
import { odooPlan } from "../node-plan.ts";
import { PATHS, PORTS } from "../render/paths.ts";
import { waitFor } from "../wait.ts";
import { applyServices, writePlanFiles } from "./apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "./context.ts";

/** Real Odoo's `-i base` leaves admin/admin: the lab replaces it with its own secret at once. */
const FACTORY_ADMIN_PASSWORD = "admin";

export async function convergeOdoo(context: ConvergeContext): Promise<void> {
  const appNodes = nodesWithRole(context.topology, "odoo");
  const plans = appNodes.map((node) => {
    const host = hostFor(context, node.name);
    return { node, host, plan: odooPlan({ ...context, node, interfaceName: host.interfaceName }) };
  });

  // 1. odoo.conf and the shared filestore mount, but not the Odoo server yet: a changed config
  //    restarts the server in step 3 (the mount does not read it).
  const configChanged = new Map<string, boolean>();
  await Promise.all(
    plans.map(async ({ host, plan }) => {
      const [mount] = plan.services;
      for (const command of plan.prepare) await run(host, command);
      const written = await writePlanFiles(host, plan);
      configChanged.set(host.node, written.length > 0);
      const changes = [...written, ...(await applyServices(host, [mount!], written.length > 0))];
      await waitFor(`the shared filestore mounted at ${PATHS.odooDataDir} on ${host.node}`, async () => {
        const result = await host.exec(["mountpoint", "-q", PATHS.odooDataDir]);
        return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: "not a mountpoint yet" };
      }, { timeoutMs: timeout(context, 60) });
      context.progress({ stage: "odoo", node: host.node, message: [...changes, "filestore mounted"].join(", ") });
    }),
  );
  const first = plans[0]!.host;
  // The volume root is owned by root until someone claims it; Odoo runs as 'odoo'.
  await run(first, ["chown", "odoo:odoo", PATHS.odooDataDir]);

  // 2. The database, created once by the first app node if it is missing.
  if (!(await databaseExists(context))) {
    context.progress({ stage: "odoo", node: first.node, message: `initialising database '${context.topology.odoo.database}' (-i base)` });
    await run(first, ["odoo", "-c", PATHS.odooConfig, "-d", context.topology.odoo.database, "-i", "base", "--stop-after-init"], {
      user: "odoo",
      env: { HOME: PATHS.odooDataDir },
      timeoutMs: timeout(context, 600),
    });
  }

  // 3. The servers.
  await Promise.all(
    plans.map(async ({ host, plan, node }) => {
      const changes = await applyServices(host, [plan.services[1]!], configChanged.get(host.node) ?? false);
      if (node.odoo?.http) await waitForHealth(host, timeout(context, 90));
      context.progress({ stage: "odoo", node: host.node, message: [...changes, node.odoo?.http ? "healthy" : "cron-only"].filter(Boolean).join(", ") });
    }),
  );
  const webHost = plans.find(({ node }) => node.odoo?.http)!.host;
  await ensureAdminPassword(webHost, context);
}

async function databaseExists(context: ConvergeContext): Promise<boolean> {
  const probe = hostFor(context, nodesWithRole(context.topology, "odoo")[0]!.name);
  const { vip, services, odoo } = context.topology;
  const result = await probe.exec(
    ["psql", "-h", vip.address, "-p", String(services.databaseReadWritePort), "-U", context.secrets.odooDbUser, "-d", "postgres", "-tAc", `SELECT 1 FROM pg_database WHERE datname = '${odoo.database}'`],
    { env: { PGPASSWORD: context.secrets.odooDbPassword, PGCONNECT_TIMEOUT: "5" } },
  );
  // psql is in the lab's images and in the official odoo images (their entrypoint uses it).
  if (result.exitCode !== 0) throw new Error(`on ${probe.node}: cannot reach the database through ${vip.address}:${services.databaseReadWritePort}: ${result.stderr.trim()}`);
  return result.stdout.trim() === "1";
}

async function waitForHealth(host: Host, timeoutMs: number): Promise<void> {
  await waitFor(`Odoo on ${host.node} to answer /web/health`, async () => {
    const result = await host.exec(["curl", "-sf", "--max-time", "2", `http://127.0.0.1:${PORTS.odooHttp}/web/health`]);
    return result.exitCode === 0 && result.stdout.includes("pass") ? { done: true, value: undefined } : { done: false, observation: `curl exit ${result.exitCode} ${result.stdout}` };
  }, { timeoutMs, intervalMs: 500 });
}

async function ensureAdminPassword(host: Host, context: ConvergeContext): Promise<void> {
  if ((await login(host, context, context.secrets.odooAdminPassword)) !== false) return;
  const uid = await login(host, context, FACTORY_ADMIN_PASSWORD);
  if (uid === false) throw new Error(`on ${host.node}: Odoo accepts neither the lab's admin password nor the factory one; reset it or run \`pnpm lab down\` and up again`);
  const db = context.topology.odoo.database;
  const written = await jsonRpc(host, "object", "execute_kw", [db, uid, FACTORY_ADMIN_PASSWORD, "res.users", "write", [[uid], { password: context.secrets.odooAdminPassword }]]);
  if (!written.ok) throw new Error(`on ${host.node}: could not set the admin password: ${written.error}`);
  context.progress({ stage: "odoo", node: host.node, message: "admin password set from the lab's secrets" });
}

async function login(host: Host, context: ConvergeContext, password: string): Promise<number | false> {
  const answer = await jsonRpc(host, "common", "login", [context.topology.odoo.database, "admin", password]);
  return answer.ok && typeof answer.result === "number" ? answer.result : false;
}

/** JSON-RPC from the node itself, payload on stdin so passwords stay out of process lists. */
async function jsonRpc(host: Host, service: string, method: string, args: unknown[]): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const payload = JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1, params: { service, method, args } });
  const result = await host.exec(["curl", "-s", "--max-time", "30", "-H", "Content-Type: application/json", "--data-binary", "@-", `http://127.0.0.1:${PORTS.odooHttp}/jsonrpc`], { stdin: payload });
  if (result.exitCode !== 0) return { ok: false, error: `curl exit ${result.exitCode}` };
  try {
    const body = JSON.parse(result.stdout) as { result?: unknown; error?: { data?: { message?: string }; message?: string } };
    if (body.error) return { ok: false, error: body.error.data?.message ?? body.error.message ?? "error" };
    return { ok: true, result: body.result };
  } catch {
    return { ok: false, error: `not JSON: ${result.stdout.slice(0, 200)}` };
  }
}
