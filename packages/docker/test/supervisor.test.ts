import { describe, expect, it } from "vitest";
import { ScriptedHost, succeeded } from "@odoo-ha-lab/machine";
import { parseSupervisorState, renderProgram, SupervisorServices } from "../src/supervisor.ts";

describe("supervisor programs", () => {
  it("renders a program that restarts by itself and logs to /var/log/lab", () => {
    const text = renderProgram({ name: "patroni", command: ["patroni", "/etc/patroni/patroni.yml"], user: "postgres", stopSignal: "INT", stopTimeoutSeconds: 30, environment: { HOME: "/var/lib/postgresql" } });
    // stdin is /dev/null, as under systemd (supervisord's stdin pipe kept an orphaned backend waiting);
    // the pipe stays open on fd 9 (closed, it set supervisord spinning on POLLERR).
    expect(text).toContain(`[program:patroni]\ncommand=/bin/sh -c 'exec "$@" 9<&0 < /dev/null' lab-service patroni /etc/patroni/patroni.yml\nuser=postgres\n`);
    expect(text).toContain('environment=HOME="/var/lib/postgresql"');
    expect(text).toMatch(/^autorestart=true$/m);
    expect(text).toMatch(/^stopsignal=INT$/m);
    expect(text).toMatch(/^stopwaitsecs=30$/m);
    expect(text).toMatch(/^stdout_logfile=\/var\/log\/lab\/patroni\.log$/m);
  });

  it("quotes arguments with spaces and escapes % for supervisord's expansion", () => {
    const text = renderProgram({ name: "x", command: ["sh", "-c", "echo 50% done"] });
    expect(text).toContain("lab-service sh -c 'echo 50%% done'");
  });

  it("maps supervisorctl states", () => {
    expect(parseSupervisorState("etcd                             RUNNING   pid 63, uptime 0:02:04")).toBe("running");
    expect(parseSupervisorState("odoo BACKOFF Exited too quickly")).toBe("starting");
    expect(parseSupervisorState("odoo FATAL Exited too quickly")).toBe("failed");
    expect(parseSupervisorState("odoo STOPPED Not started")).toBe("stopped");
    expect(parseSupervisorState("odoo: ERROR (no such process)")).toBe("unknown");
  });

  it("asks the states of several programs in one question to supervisord's socket, each matched by name", async () => {
    const struct = (name: string, state: string) => `<value><struct>\n<member>\n<name>description</name>\n<value><string>pid 110</string></value>\n</member>\n<member>\n<name>name</name>\n<value><string>${name}</string></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>${state}</string></value>\n</member>\n</struct></value>`;
    const host = new ScriptedHost("lb2", {
      answer: () => succeeded(`<?xml version='1.0'?><methodResponse><params><param><value><array><data>${struct("haproxy", "RUNNING")}${struct("keepalived", "STOPPED")}</data></array></value></param></params></methodResponse>`),
    });
    expect(await new SupervisorServices(host).states(["keepalived", "haproxy", "glusterd"])).toEqual(["stopped", "running", "unknown"]);
    expect(host.commands).toHaveLength(1);
    expect(host.commands[0]).toContain("/run/supervisor.sock");
  });
});
