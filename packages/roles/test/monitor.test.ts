import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import { alertRules, describeAlert, generateSecrets, parseAlerts, parseTargetsDown, renderAlertRules, renderHaproxyConfig, renderPrometheusConfig, roleModule } from "../src/index.ts";

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
    expect(targetsOf("node")).toEqual(["odoo1 192.168.56.111:9100", "odoo2 192.168.56.112:9100"]);
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
      "SynchronousStandbyMissing",
    ]);
    // The filestore: an error or a stuck statfs on an app node's mount, or no mount at all where the exporter answers.
    expect(rules.find((rule) => rule.alert === "FilestoreUnavailable")?.expr).toBe(
      'node_filesystem_device_error{job="node",mountpoint="/var/lib/odoo"} == 1 or on(node) (up{job="node",node=~"odoo1|odoo2"} == 1 unless on(node) node_filesystem_device_error{job="node",mountpoint="/var/lib/odoo"})',
    );
    expect(rules.find((rule) => rule.alert === "OdooNodeDown")).toMatchObject({ for: "2s", expr: expect.stringContaining('job="haproxy",proxy="odoo_http",server!~".*-failopen",state="UP"') });
    // A lab without node exporters on its app nodes cannot tell its filestore's state: no rule for it.
    expect(alertRules(asynchronous).map((rule) => rule.name)).not.toContain("SynchronousStandbyMissing");
    expect(alertRules(asynchronous).map((rule) => rule.name)).not.toContain("FilestoreUnavailable");
  });

  it("runs Debian's Prometheus and Alertmanager, started after what they scrape", () => {
    const monitor = roleModule("monitor");
    expect(monitor.debianPackages("debian-13")).toEqual(["prometheus", "prometheus-alertmanager"]);
    expect(monitor.services).toEqual(["alertmanager", "prometheus"]);
    expect(monitor.steps[0]!.after).toEqual(expect.arrayContaining(["haproxy", "postgresql", "etcd", "node-exporter"]));
    // The node exporter answers within the monitor's 1 s scrape timeout even when a mount hangs.
    const exporter = roleModule("node-exporter").plan({ topology: replicated, node: findNode(replicated, "odoo1"), secrets: generateSecrets(), interfaceName: "eth0" }).services[0]!;
    expect(exporter.command).toContain("--collector.filesystem.mount-timeout=500ms");
    expect(roleModule("node-exporter").debianPackages("debian-12")).toEqual(["prometheus-node-exporter"]);
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
