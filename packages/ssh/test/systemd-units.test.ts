import { describe, expect, it } from "vitest";
import { haproxyPlan, postgresqlPlan, generateSecrets, odooPlan } from "@odoo-ha-lab/roles";
import { loadTopologyFile, findNode } from "@odoo-ha-lab/topology";
import { fileURLToPath } from "node:url";
import { ScriptedHost, succeeded } from "@odoo-ha-lab/machine";
import { parseUnitStatus, renderUnit, stateOf, SystemdServices, systemdQuote, unitPath } from "../src/systemd-services.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const context = (node: string) => ({ topology, node: findNode(topology, node), secrets: generateSecrets(), interfaceName: "eth0" });
const lines = (unit: string) => unit.split("\n");

describe("systemd units", () => {
  it("restarts always, after a short pause, like supervisord's autorestart", () => {
    const unit = renderUnit(haproxyPlan(context("lb1")).services[0]!);
    expect(lines(unit)).toEqual(expect.arrayContaining(["Restart=always", "RestartSec=1", "StartLimitIntervalSec=0", "WantedBy=multi-user.target", "KillSignal=SIGTERM", "KillMode=control-group", "TimeoutStopSec=5"]));
    expect(unitPath("haproxy")).toBe("/etc/systemd/system/lab-haproxy.service");
  });

  it("stops Patroni with SIGINT to the main process only, and gives it 30 s", () => {
    const unit = renderUnit(postgresqlPlan(context("postgresql1")).services[0]!);
    expect(lines(unit)).toEqual(expect.arrayContaining(["User=postgres", "KillSignal=SIGINT", "KillMode=mixed", "TimeoutStopSec=30", "ExecStart=patroni /etc/patroni/patroni.yml"]));
  });

  it("carries user, environment and the GlusterFS client's log to the journal", () => {
    const [mount, odoo] = odooPlan(context("odoo1")).services;
    expect(lines(renderUnit(odoo!))).toEqual(expect.arrayContaining(["User=odoo", "Environment=HOME=/var/lib/odoo"]));
    expect(renderUnit(mount!)).toContain(" --log-file=- ");
    expect(renderUnit(mount!)).not.toContain("/dev/stderr");
  });

  it("quotes what systemd would otherwise expand", () => {
    expect(systemdQuote("50%")).toBe("50%%");
    expect(systemdQuote("$HOME")).toBe('"$$HOME"');
    expect(systemdQuote('a "b"')).toBe('"a \\"b\\""');
  });

  it("reads a unit's state from systemctl show", () => {
    const running = parseUnitStatus("LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nExecMainStartTimestampMonotonic=5000000\nUptime=7.5\n");
    expect(running).toMatchObject({ loaded: true, enabled: true, runningForSeconds: 2.5 });
    expect(stateOf(running)).toBe("running");
    expect(stateOf(parseUnitStatus("LoadState=loaded\nActiveState=activating\nSubState=auto-restart\n"))).toBe("starting");
    expect(stateOf(parseUnitStatus("LoadState=loaded\nActiveState=inactive\nSubState=dead\n"))).toBe("stopped");
    expect(stateOf(parseUnitStatus("LoadState=not-found\nActiveState=inactive\nSubState=dead\n"))).toBe("unknown");
  });

  it("asks the states of several units in one systemctl show, a block per unit in order", async () => {
    const host = new ScriptedHost("lb1", {
      answer: () => succeeded("LoadState=loaded\nActiveState=active\nSubState=running\n\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n\nLoadState=loaded\nActiveState=failed\nSubState=failed\n"),
    });
    expect(await new SystemdServices(host).states(["haproxy", "glusterd", "keepalived"])).toEqual(["running", "unknown", "failed"]);
    expect(host.commands).toHaveLength(1);
    expect(host.commands[0]!.slice(0, 4)).toEqual(["systemctl", "show", "-p", "LoadState,ActiveState,SubState"]);
  });
});
