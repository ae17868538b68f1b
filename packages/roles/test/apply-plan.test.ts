import { describe, expect, it } from "vitest";
import { applyPlan } from "../src/converge/apply-plan.ts";
import type { FileSpec, Host, ServiceDefinition, ServiceManager } from "../src/host.ts";

/** An in-memory host: files in a map, service actions in a list. */
function memoryHost(): Host & { actions: string[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const defined = new Map<string, string>();
  const actions: string[] = [];
  const services: ServiceManager = {
    async apply(service: ServiceDefinition) {
      const rendered = JSON.stringify(service);
      if (defined.get(service.name) === rendered) return false;
      defined.set(service.name, rendered);
      actions.push(`apply ${service.name}`);
      return true;
    },
    start: async (name) => void actions.push(`start ${name}`),
    stop: async (name) => void actions.push(`stop ${name}`),
    restart: async (name) => void actions.push(`restart ${name}`),
    reload: async (name, signal) => void actions.push(`reload ${name} ${signal}`),
    kill: async (name) => void actions.push(`kill ${name}`),
    state: async () => "running",
    logs: async () => "",
  };
  return {
    node: "n1",
    interfaceName: "eth0",
    silentAfterMs: 1_000,
    actions,
    files,
    exec: async () => ({ exitCode: 0, stdout: "", stderr: "" }),
    async writeFile(file: FileSpec) {
      if (files.get(file.path) === file.content) return false;
      files.set(file.path, file.content);
      return true;
    },
    readFile: async (path) => files.get(path),
    services,
  };
}

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
    const host = memoryHost();
    expect(await applyPlan(host, plan("a=1"))).toEqual(["wrote /etc/app.conf", "started mount", "started app", "started proxy"]);
    host.actions.length = 0;
    expect(await applyPlan(host, plan("a=1"))).toEqual([]);
    expect(host.actions).toEqual([]);
  });

  it("on a config change restarts or reloads the services that read it, and leaves the others alone", async () => {
    const host = memoryHost();
    await applyPlan(host, plan("a=1"));
    host.actions.length = 0;
    expect(await applyPlan(host, plan("a=2"))).toEqual(["wrote /etc/app.conf", "restarted app", "reloaded proxy"]);
    expect(host.actions).toEqual(["restart app", "reload proxy HUP"]);
  });
});
