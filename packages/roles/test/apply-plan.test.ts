import { describe, expect, it } from "vitest";
import { applyPlan } from "../src/converge/apply-plan.ts";
import { ScriptedHost } from "@odoo-ha-lab/machine";

/** What the services were asked since `from`, as "<verb> <name> [signal]" (files are the host's map). */
const serviceActions = (host: ScriptedHost, from = 0) =>
  host.calls.slice(from).filter((call) => call.what.startsWith("service ") && call.what !== "service apply").map((call) => `${call.what.slice("service ".length)} ${call.detail!.join(" ")}`);

const plan = (config: string) => ({
  prepare: [],
  files: [{ path: "/etc/app.conf", content: config }],
  services: [
    { name: "mount", command: ["mount-it"], readsRoleFiles: false },
    { name: "app", command: ["app"] },
    { name: "proxy", command: ["proxy"], reloadSignal: "HUP" as const },
  ],
});

describe("applyPlan", () => {
  it("starts everything the first time, then changes nothing", async () => {
    const host = new ScriptedHost("n1");
    expect(await applyPlan(host, plan("a=1"))).toEqual(["wrote /etc/app.conf", "started mount", "started app", "started proxy"]);
    const before = host.calls.length;
    expect(await applyPlan(host, plan("a=1"))).toEqual([]);
    expect(host.calls.slice(before).filter((call) => call.what !== "exec")).toEqual([]);
  });

  it("on a config change restarts or reloads the services that read it, and leaves the others alone", async () => {
    const host = new ScriptedHost("n1");
    await applyPlan(host, plan("a=1"));
    const before = host.calls.length;
    expect(await applyPlan(host, plan("a=2"))).toEqual(["wrote /etc/app.conf", "restarted app", "reloaded proxy"]);
    expect(serviceActions(host, before)).toEqual(["restart app", "reload proxy HUP"]);
    expect(host.files.get("/etc/app.conf")).toBe("a=2");
  });
});
