import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeAlert, type LabSecrets, type LabStatus } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import { runLab } from "./lab-cli.ts";
import { odooCall } from "./odoo-rpc.ts";

/**
 * The topology option that removes the seed's single point of failure: a replicated filestore
 * (replica 3 arbiter 1). Brought up by the real CLI in a lab of its own.
 */
const TOPOLOGY = fileURLToPath(new URL("../../../labs/odoo-ha-replicated/topology.yaml", import.meta.url));
const LAB = { LAB_NAME: "itest-r", LAB_SUBNET: "192.168.79.0/24" };
const args = (command: string, ...rest: string[]) => [command, "-t", TOPOLOGY, ...rest];
let secrets: LabSecrets;

beforeAll(async () => {
  await runLab(args("down"), LAB);
  const up = await runLab(args("up", "--json"), LAB);
  if (up.code !== 0) throw new Error(`lab up failed:\n${up.stderr}`);
  secrets = JSON.parse(readFileSync((JSON.parse(up.stdout) as { credentials: string }).credentials, "utf8")) as LabSecrets;
});

afterAll(async () => {
  if (!process.env.LAB_TEST_KEEP) await runLab(args("down"), LAB);
});

describe("replicated filestore layout", () => {
  it("builds a replica 3 arbiter 1 volume over lb1, lb2 and postgresql1", async () => {
    const info = await runLab(args("exec", "lb1", "--", "gluster", "volume", "info", "filestore"), LAB);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain("Type: Replicate");
    expect(info.stdout).toContain("Number of Bricks: 1 x (2 + 1) = 3");
    expect(info.stdout).toMatch(/Brick3: 192\.168\.79\.121:\/bricks\/filestore \(arbiter\)/);
  });

  it("serves attachments through the VIP from both app nodes", async () => {
    const vip = "http://192.168.79.100";
    const uid = await odooCall<number>(vip, "common", "login", ["lab", "admin", secrets.odooAdminPassword]);
    const call = <T>(base: string, model: string, method: string, callArgs: unknown[], kwargs: object = {}) =>
      odooCall<T>(base, "object", "execute_kw", ["lab", uid, secrets.odooAdminPassword, model, method, callArgs, kwargs]);
    const datas = Buffer.from("replicated bytes").toString("base64");
    const id = await call<number>(vip, "ir.attachment", "create", [{ name: "r.txt", datas }]);
    for (const node of ["192.168.79.111", "192.168.79.112"]) {
      const [row] = await call<{ datas: string }[]>(`http://${node}:8069`, "ir.attachment", "read", [[id]], { fields: ["datas"] });
      expect(row?.datas).toBe(datas);
    }
  });

  it("writes Odoo's server errors to the log database, on the primary and on its replica", async () => {
    const vip = "http://192.168.79.100";
    const uid = await odooCall<number>(vip, "common", "login", ["lab", "admin", secrets.odooAdminPassword]);
    const method = `no_such_method_${Date.now()}`;
    await expect(odooCall(vip, "object", "execute_kw", ["lab", uid, secrets.odooAdminPassword, "res.partner", method, [[]]])).rejects.toThrow(method);
    const sql = `SELECT level || ' ' || name || ' ' || dbname || ' ' || host FROM ir_logging WHERE message LIKE '%${method}%'`;
    for (const node of ["postgresql1", "postgresql2"]) {
      await waitFor(`the error's line in lab_logs on ${node}`, async () => {
        const read = await runLab(args("exec", node, "--", "su", "postgres", "-c", `psql -d lab_logs -tAc "${sql}"`), LAB);
        // With the app node that logged it (the lab's `host` column).
        return /^ERROR odoo\.http lab odoo[12]$/.test(read.stdout.trim()) ? { done: true, value: undefined } : { done: false, observation: `${read.stdout.trim() || "no line"} ${read.stderr.trim()}` };
      }, { timeoutMs: 15_000, intervalMs: 250 });
    }
    // What a user reads with the CLI.
    const tail = await runLab(args("logs", "--odoo-db", "-n", "20"), LAB);
    expect(tail.code, tail.stderr).toBe(0);
    expect(tail.stdout).toMatch(new RegExp(`odoo[12]  ERROR  odoo\\.http  lab  Exception during request handling[^]*${method}`));
  });

  it("monitor1's Prometheus scrapes every target, and alerts that an app node is down until it is back", async () => {
    const monitors = async () => {
      const status = await runLab(args("status", "--json"), LAB);
      return (JSON.parse(status.stdout) as LabStatus).monitors;
    };
    const alertsNow = async () => {
      const [view] = await monitors();
      if (!view?.reachable) return "Prometheus does not answer";
      return [...view.targetsDown.map((target) => `${target} down`), ...view.alerts.map((alert) => `${describeAlert(alert)} ${alert.state}`)].join(", ");
    };
    // The steady state: every target up and no alert, even pending.
    await waitFor("no alert and every target up", async () => {
      const seen = await alertsNow();
      return seen === "" ? { done: true, value: undefined } : { done: false, observation: seen };
    }, { timeoutMs: 30_000, intervalMs: 500 });
    const odoo2 = (action: "stop" | "start") => runLab(args("exec", "odoo2", "--", "supervisorctl", action, "odoo"), LAB);
    await odoo2("stop");
    try {
      await waitFor("OdooNodeDown (odoo2) to fire", async () => {
        const seen = await alertsNow();
        return seen === "OdooNodeDown (odoo2) firing" ? { done: true, value: undefined } : { done: false, observation: seen || "no alert" };
      }, { timeoutMs: 30_000, intervalMs: 500 });
      // Prometheus hands it to Alertmanager, where a team's receivers would send it on.
      await waitFor("Alertmanager to hold OdooNodeDown (odoo2)", async () => {
        const held = await runLab(args("exec", "monitor1", "--", "curl", "-sf", "http://127.0.0.1:9093/api/v2/alerts?active=true"), LAB);
        const alerts = held.code === 0 ? (JSON.parse(held.stdout) as { labels: Record<string, string> }[]) : [];
        return alerts.some((alert) => alert.labels.alertname === "OdooNodeDown" && alert.labels.server === "odoo2") ? { done: true, value: undefined } : { done: false, observation: held.stdout.trim() || held.stderr.trim() || "no alert" };
      }, { timeoutMs: 15_000, intervalMs: 500 });
      // What a user reads.
      const table = await runLab(args("status"), LAB);
      expect(table.stdout).toMatch(/Alerts \(http:\/\/192\.168\.79\.131:9090\/alerts\): 1 pending or firing\n[^]*OdooNodeDown \(odoo2\) +firing +\S+ +no balancer has this app node in service/);
    } finally {
      await odoo2("start");
    }
    await waitFor("the alert to resolve", async () => {
      const seen = await alertsNow();
      return seen === "" ? { done: true, value: undefined } : { done: false, observation: seen };
    }, { timeoutMs: 60_000, intervalMs: 500 });
  });

  it("a line Odoo logs while the database is out of reach reaches the log database once it is back, at the time it was logged", async () => {
    // Stock Odoo drops a log line it cannot write at once: a failover's lines were all lost
    // (log_database_outlives_outages.py). Here both Patroni members stop, an API call meets the
    // outage (503, and the lab's addon logs a warning), then the cluster comes back.
    const patroni = (action: "stop" | "start") => Promise.all(["postgresql1", "postgresql2"].map((node) => runLab(args("exec", node, "--", "supervisorctl", action, "patroni"), LAB)));
    await patroni("stop");
    const outageBegan = Date.now();
    let outageEnded: number;
    try {
      const response = await fetch("http://192.168.79.100/jsonrpc", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1, params: { service: "object", method: "execute_kw", args: ["lab", 2, secrets.odooAdminPassword, "res.partner", "search_count", [[]]] } }),
        signal: AbortSignal.timeout(15_000),
      });
      expect(response.status).toBe(503);
    } finally {
      outageEnded = Date.now();
      await patroni("start");
    }
    const sql = [
      "SELECT count(*) FROM ir_logging WHERE name = 'odoo.addons.lab_ha.database_unreachable'",
      `AND create_date BETWEEN (to_timestamp(${outageBegan / 1000}) AT TIME ZONE 'UTC') AND (to_timestamp(${outageEnded / 1000}) AT TIME ZONE 'UTC')`,
    ].join(" ");
    await waitFor("the outage's warning in lab_logs", async () => {
      // Asked on postgresql1, the new leader or its streaming replica.
      const read = await runLab(args("exec", "postgresql1", "--", "su", "postgres", "-c", `psql -d lab_logs -tAc "${sql}"`), LAB);
      return Number(read.stdout.trim()) >= 1 ? { done: true, value: undefined } : { done: false, observation: `${read.stdout.trim() || "no answer"} ${read.stderr.trim()}` };
    }, { timeoutMs: 90_000, intervalMs: 1000 });
  });
});
