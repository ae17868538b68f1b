import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import {
  alertRules,
  describeAlert,
  generateSecrets,
  parseAlerts,
  parseTargetsDown,
  renderAlertRules,
  renderHaproxyConfig,
  renderKeepalivedConfig,
  renderKeepalivedStateScript,
  renderPrometheusConfig,
  roleModule,
} from "../src/index.ts";

const labFile = (name: string) => fileURLToPath(new URL(`../../../labs/${name}/topology.yaml`, import.meta.url));
const replicated = loadTopologyFile(labFile("odoo-ha-replicated"));
const asynchronous = loadTopologyFile(labFile("odoo-ha-async"));

describe("the monitor role (labs/odoo-ha-replicated's monitor1)", () => {
  const config = parse(renderPrometheusConfig(replicated, findNode(replicated, "monitor1"))) as {
    global: Record<string, string>;
    scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: { node: string } }[] }[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  };
  const targetsOf = (job: string) => config.scrape_configs.find((scrape) => scrape.job_name === job)?.static_configs.map((entry) => `${entry.labels.node} ${entry.targets.join(",")}`);

  it("scrapes each balancer's HAProxy, HAProxy through the VIP, each Patroni and each etcd member, named by node", () => {
    expect(targetsOf("haproxy")).toEqual(["lb1 192.168.56.101:8404", "lb2 192.168.56.102:8404"]);
    expect(targetsOf("vip")).toEqual(["vip 192.168.56.100:8404"]);
    expect(targetsOf("patroni")).toEqual(["postgresql1 192.168.56.121:8008", "postgresql2 192.168.56.122:8008"]);
    expect(targetsOf("etcd")).toEqual(["lb1 192.168.56.101:2379", "lb2 192.168.56.102:2379", "odoo2 192.168.56.112:2379"]);
    expect(targetsOf("node")).toEqual(["lb1 192.168.56.101:9100", "lb2 192.168.56.102:9100", "odoo1 192.168.56.111:9100", "odoo2 192.168.56.112:9100"]);
    expect(config.global).toMatchObject({ scrape_interval: "1s", evaluation_interval: "1s" });
    expect(config.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(["127.0.0.1:9093"]);
  });

  it("serves HAProxy's built-in exporter on the stats port the monitor scrapes", () => {
    expect(renderHaproxyConfig(replicated, findNode(replicated, "lb1"))).toMatch(/listen stats\n {4}bind \*:8404\n {4}mode http\n(?: {4}#.*\n)* {4}http-request use-service prometheus-exporter if \{ path \/metrics \}\n/);
  });

  it("alerts on what the scenarios break; on a synchronous lab also a missing synchronous standby", () => {
    const rules = (parse(renderAlertRules(replicated)) as { groups: { rules: { alert: string; expr: string; for: string }[] }[] }).groups[0]!.rules;
    expect(rules.map((rule) => rule.alert)).toEqual([
      "PatroniPrimaryMissing",
      "PatroniTwoPrimaries",
      "PatroniMemberDown",
      "ReplicationLagHigh",
      "EtcdMemberDown",
      "EtcdNoLeader",
      "BalancerDown",
      "VipUnanswered",
      "OdooNodeDown",
      "FilestoreUnavailable",
      "VipHeldTwice",
      "SynchronousStandbyMissing",
    ]);
    expect(rules.find((rule) => rule.alert === "VipHeldTwice")?.expr).toBe("sum(lab_keepalived_vip_held) > 1");
    // The filestore: an error or a stuck statfs on an app node's mount, or no mount at all where the exporter answers.
    expect(rules.find((rule) => rule.alert === "FilestoreUnavailable")?.expr).toBe(
      'node_filesystem_device_error{job="node",mountpoint="/var/lib/odoo"} == 1 or on(node) (up{job="node",node=~"odoo1|odoo2"} == 1 unless on(node) node_filesystem_device_error{job="node",mountpoint="/var/lib/odoo"})',
    );
    expect(rules.find((rule) => rule.alert === "OdooNodeDown")).toMatchObject({ for: "2s", expr: expect.stringContaining('job="haproxy",proxy="odoo_http",server!~".*-failopen",state="UP"') });
    // A lab without node exporters on its app nodes cannot tell its filestore's state: no rule for it.
    expect(alertRules(asynchronous).map((rule) => rule.name)).not.toContain("SynchronousStandbyMissing");
    expect(alertRules(asynchronous).map((rule) => rule.name)).not.toContain("FilestoreUnavailable");
    expect(alertRules(asynchronous).map((rule) => rule.name)).not.toContain("VipHeldTwice");
  });

  it("runs Debian's Prometheus and Alertmanager, started after what they scrape", () => {
    const monitor = roleModule("monitor");
    expect(monitor.debianPackages("debian-13")).toEqual(["prometheus", "prometheus-alertmanager"]);
    expect(monitor.services).toEqual(["alertmanager", "prometheus"]);
    expect(monitor.steps[0]!.after).toEqual(expect.arrayContaining(["haproxy", "postgresql", "etcd", "node-exporter"]));
    // The node exporter answers within the monitor's 1 s scrape timeout even when a mount hangs.
    const exporter = roleModule("node-exporter").plan({ topology: replicated, node: findNode(replicated, "odoo1"), secrets: generateSecrets(), interfaceName: "eth0" }).services[0]!;
    expect(exporter.command).toContain("--collector.filesystem.mount-timeout=500ms");
    expect(exporter.command).toEqual(expect.arrayContaining(["--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=/run/node-exporter"]));
    expect(roleModule("node-exporter").debianPackages("debian-12")).toEqual(["prometheus-node-exporter"]);
  });
});

describe("keepalived's state for the node exporter", () => {
  it("is run on every change of state and says 1 only while this balancer is MASTER, written whole", () => {
    expect(renderKeepalivedConfig(replicated, findNode(replicated, "lb1"), "eth0")).toContain("    notify /etc/keepalived/vip-state.sh\n");
    const dir = mkdtempSync(join(tmpdir(), "vip-state-"));
    const script = join(mkdtempSync(join(tmpdir(), "vip-state-script-")), "vip-state.sh");
    writeFileSync(script, renderKeepalivedStateScript().replaceAll("/run/node-exporter", dir), { mode: 0o755 });
    const held = (state: string) => {
      execFileSync("sh", [script, "INSTANCE", "odoo_ha_vip", state, "150"]);
      return readFileSync(join(dir, "keepalived.prom"), "utf8");
    };
    // Readable by the exporter's user, whatever umask keepalived runs it with.
    execFileSync("sh", ["-c", `umask 077; sh ${script} INSTANCE odoo_ha_vip BACKUP 150`]);
    expect(statSync(join(dir, "keepalived.prom")).mode & 0o777).toBe(0o644);
    expect(held("MASTER")).toBe("# HELP lab_keepalived_vip_held 1 while keepalived holds the VIP on this balancer (MASTER), else 0.\n# TYPE lab_keepalived_vip_held gauge\nlab_keepalived_vip_held 1\n");
    expect(held("BACKUP")).toMatch(/\nlab_keepalived_vip_held 0\n$/);
    expect(held("FAULT")).toMatch(/\nlab_keepalived_vip_held 0\n$/);
    // A node without the exporter's folder: nothing written, no error for keepalived.
    rmSync(dir, { recursive: true });
    expect(() => execFileSync("sh", [script, "INSTANCE", "odoo_ha_vip", "MASTER", "150"])).not.toThrow();
  });
});

describe("Prometheus's answers", () => {
  it("keeps pending and firing alerts with what they are about, and names the targets down", () => {
    const alerts = parseAlerts(
      "monitor1",
      JSON.stringify({
        status: "success",
        data: {
          alerts: [
            { labels: { alertname: "OdooNodeDown", server: "odoo2" }, annotations: { summary: "no balancer has this app node in service" }, state: "firing", activeAt: "2026-12-08T00:00:01Z", value: "0e+00" },
            { labels: { alertname: "PatroniMemberDown", job: "patroni", node: "postgresql1", instance: "192.168.56.121:8008" }, annotations: {}, state: "pending", activeAt: "2026-12-08T00:00:02Z", value: "0e+00" },
            { labels: { alertname: "Old" }, annotations: {}, state: "inactive", activeAt: "2026-12-08T00:00:00Z", value: "0" },
          ],
        },
      }),
    );
    expect(alerts.map((alert) => `${describeAlert(alert)} ${alert.state} ${alert.activeAt}`)).toEqual(["OdooNodeDown (odoo2) firing 2026-12-08T00:00:01Z", "PatroniMemberDown (postgresql1) pending 2026-12-08T00:00:02Z"]);
    expect(alerts[0]).toMatchObject({ monitor: "monitor1", summary: "no balancer has this app node in service", labels: { server: "odoo2" } });
    const down = parseTargetsDown(
      JSON.stringify({
        status: "success",
        data: {
          activeTargets: [
            { labels: { job: "haproxy", node: "lb1", instance: "192.168.56.101:8404" }, health: "up" },
            { labels: { job: "etcd", node: "odoo2", instance: "192.168.56.112:2379" }, health: "down" },
            { labels: { job: "vip", node: "vip", instance: "192.168.56.100:8404" }, health: "unknown" },
          ],
        },
      }),
    );
    expect(down).toEqual(["etcd odoo2", "vip vip"]);
  });
});
