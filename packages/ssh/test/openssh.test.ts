import { describe, expect, it } from "vitest";
import { envLine, remoteCommand, runProcess, SshEndpoint } from "../src/openssh.ts";
import type { InventoryNode } from "../src/inventory.ts";

const entry: InventoryNode = { node: "lb1", host: "10.0.0.11", port: 2222, user: "admin", identityFile: "/keys/lab", sudo: true, knownHosts: undefined, powerOff: undefined, powerOn: undefined };
const paths = { labKnownHosts: "/state/known_hosts", socketDir: "/state/ssh" };
const option = (args: string[], name: string) => args.find((arg, index) => args[index - 1] === "-o" && arg.startsWith(`${name}=`));

describe("ssh invocation", () => {
  it("pins unknown host keys into the lab's own known_hosts, never ignoring them", () => {
    const args = new SshEndpoint(entry, paths).commandArgs(["true"], { withEnv: false });
    expect(option(args, "StrictHostKeyChecking")).toBe("StrictHostKeyChecking=accept-new");
    expect(option(args, "UserKnownHostsFile")).toBe("UserKnownHostsFile=/state/known_hosts");
    expect(option(args, "BatchMode")).toBe("BatchMode=yes");
    expect(args).toEqual(expect.arrayContaining(["-p", "2222", "-l", "admin", "-i", "/keys/lab"]));
  });

  it("checks strictly against a known_hosts the user provides", () => {
    const args = new SshEndpoint({ ...entry, knownHosts: "/mine/known_hosts" }, paths).commandArgs(["true"], { withEnv: false });
    expect(option(args, "StrictHostKeyChecking")).toBe("StrictHostKeyChecking=yes");
    expect(option(args, "UserKnownHostsFile")).toBe("UserKnownHostsFile=/mine/known_hosts");
  });

  it("multiplexes over a short control socket that changes with the key", () => {
    const endpoint = new SshEndpoint(entry, paths);
    const args = endpoint.commandArgs(["true"], { withEnv: false });
    expect(option(args, "ControlPath")).toBe(`ControlPath=${endpoint.controlPath}`);
    expect(option(args, "ControlMaster")).toBe("ControlMaster=no");
    expect(endpoint.controlPath.startsWith("/state/ssh/lb1-")).toBe(true);
    expect(new SshEndpoint({ ...entry, identityFile: "/keys/other" }, paths).controlPath).not.toBe(endpoint.controlPath);
    const deep = new SshEndpoint(entry, { ...paths, socketDir: `/${"x".repeat(120)}` });
    expect(deep.controlPath.length).toBeLessThanOrEqual(88);
  });

  it("ends ssh's options before the host and wraps the command in sudo -n", () => {
    const args = new SshEndpoint(entry, paths).commandArgs(["echo", "hi"], { withEnv: false });
    expect(args.at(-3)).toBe("--");
    expect(args.at(-2)).toBe("10.0.0.11");
    expect(args.at(-1)!.startsWith("sudo -n -- sh -c ")).toBe(true);
    expect(remoteCommand(["true"], { sudo: false, withEnv: false }).startsWith("sh -c ")).toBe(true);
  });

  it("keeps environment values off the command line", () => {
    const command = remoteCommand(["psql"], { sudo: false, withEnv: true });
    expect(command).not.toContain("s3cret");
    expect(envLine({ PGPASSWORD: "s3cret" })).not.toContain("s3cret");
  });

  it("runs the remote command as a shell would: env from the first stdin line, the rest is the command's stdin, argv intact", async () => {
    const command = remoteCommand(["sh", "-c", 'printf "%s|%s|%s|" "$PGPASSWORD" "$1" "$(cat)"', "x", "two words; $(not run)"], { sudo: false, withEnv: true });
    const result = await runProcess("sh", ["-c", command], { timeoutMs: 10_000, input: `${envLine({ PGPASSWORD: "it's s3cret" })}\nbody\n` });
    expect(result).toMatchObject({ exitCode: 0, stdout: "it's s3cret|two words; $(not run)|body|" });
  });

  it("reports a timeout as exit 124", async () => {
    const result = await runProcess("sleep", ["5"], { timeoutMs: 100 });
    expect(result.exitCode).toBe(124);
  });
});
