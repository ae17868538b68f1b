import { describe, expect, it } from "vitest";
import { exitedWith, RecordingHost, ScriptedHost, type HostCall } from "../src/index.ts";

describe("ScriptedHost, the tests' machine", () => {
  it("answers commands by its script, and records every call in order across the hosts sharing a list", async () => {
    const calls: HostCall[] = [];
    const a = new ScriptedHost("a", { calls, answer: (command) => (command[0] === "false" ? exitedWith(1, "no") : undefined) });
    const b = new ScriptedHost("b", { calls });
    expect(await a.exec(["false"])).toEqual({ exitCode: 1, stdout: "", stderr: "no" });
    expect(await b.exec(["true"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    await b.services.kill("haproxy");
    expect(calls).toEqual([
      { node: "a", what: "exec", detail: ["false"] },
      { node: "b", what: "exec", detail: ["true"] },
      { node: "b", what: "service kill", detail: ["haproxy"] },
    ]);
    expect(a.commands).toEqual([["false"]]);
  });

  it("keeps files and service definitions, so a second identical write or apply changes nothing", async () => {
    const host = new ScriptedHost("n");
    expect(await host.writeFile({ path: "/etc/x", content: "1" })).toBe(true);
    expect(await host.writeFile({ path: "/etc/x", content: "1" })).toBe(false);
    expect(await host.readFile("/etc/x")).toBe("1");
    expect(await host.services.apply({ name: "x", command: ["x"] })).toBe(true);
    expect(await host.services.apply({ name: "x", command: ["x"] })).toBe(false);
    expect(await host.services.state("x")).toBe("running");
    await host.services.stop("x");
    expect(await host.services.state("x")).toBe("stopped");
  });

  it("is what a RecordingHost wraps in a test: the change is seen through both", async () => {
    const inner = new ScriptedHost("n");
    const recording = new RecordingHost(inner);
    await recording.writeFile({ path: "/etc/y", content: "2" });
    expect(recording.changed).toBe(true);
    expect(inner.files.get("/etc/y")).toBe("2");
  });
});
