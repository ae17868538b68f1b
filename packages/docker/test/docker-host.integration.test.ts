import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecOptions } from "@odoo-ha-lab/machine";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { DockerHost, ensureDockerEngine, ensureLabImages } from "../src/index.ts";

/**
 * A node's commands through the command agent (one long-lived exec, used by converge) behave as
 * they do as one `docker exec` each: the roles cannot tell which one ran them.
 */
const CONTAINER = "odoo-ha-lab-test-docker-host";
const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
let docker: Dockerode;
let alone: DockerHost;
let agent: DockerHost;

beforeAll(async () => {
  docker = await ensureDockerEngine({ install: false });
  const images = await ensureLabImages(docker, { odoo: { image: topology.odoo.image, source: process.env.LAB_ODOO_SOURCE }, release: topology.release });
  await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  const container = await docker.createContainer({ name: CONTAINER, Image: images.node, Env: ["LAB_IMAGE_SETTING=from-the-image"], Labels: { "odoo-ha-lab.test": "docker-host" } });
  await container.start();
  alone = new DockerHost(docker, "test", CONTAINER);
  agent = new DockerHost(docker, "test", CONTAINER, { commandAgent: true });
}, 900_000);

afterAll(async () => {
  agent?.close();
  await docker?.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
});

const SAME_ON_BOTH: [string, string[], ExecOptions][] = [
  ["exit code, stdout and stderr", ["sh", "-c", "echo out; echo err >&2; exit 3"], {}],
  ["the user, its HOME and groups", ["sh", "-c", 'id -un; id -gn; echo "$HOME"'], { user: "postgres" }],
  ["the container's environment and the request's", ["sh", "-c", 'echo "$LAB_IMAGE_SETTING $EXTRA $PATH"'], { env: { EXTRA: "from-the-request" } }],
  ["stdin given", ["sha256sum"], { stdin: Buffer.from([0, 1, 2, 255]) }],
  ["no stdin given", ["sh", "-c", "cat; echo end"], {}],
  ["the working directory", ["pwd"], {}],
  ["a command killed by a signal", ["sh", "-c", "kill -TERM $$"], {}],
];

describe("a node's commands through the command agent", () => {
  it.each(SAME_ON_BOTH)("%s: as with one exec per command", async (_, command, options) => {
    const expected = await alone.exec(command, options);
    expect(await agent.exec(command, options)).toEqual(expected);
  });

  it("answers 127 for a program that does not exist", async () => {
    const result = await agent.exec(["no-such-program"]);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain("no-such-program");
  });

  it("runs a node's commands side by side: one waits for what the other does", async () => {
    await agent.exec(["rm", "-f", "/tmp/side-by-side"]);
    const waiting = agent.exec(["sh", "-c", "while [ ! -e /tmp/side-by-side ]; do sleep 0.05; done; echo seen"], { timeoutMs: 20_000 });
    await agent.exec(["touch", "/tmp/side-by-side"]);
    expect(await waiting).toMatchObject({ exitCode: 0, stdout: "seen\n" });
  });

  it("kills a command that outlives its timeout, with its children, and answers 124", async () => {
    const result = await agent.exec(["sh", "-c", "sleep 300 & sleep 301"], { timeoutMs: 500 });
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toContain("timed out after 500 ms");
    expect((await alone.exec(["sh", "-c", "pgrep -f 'sleep 30[01]' || echo none"])).stdout.trim()).toBe("none");
  });

  it("answers 124 for a command the agent cannot answer (its container paused), instead of waiting forever", async () => {
    expect((await agent.exec(["true"])).exitCode).toBe(0);
    await docker.getContainer(CONTAINER).pause();
    try {
      const result = await agent.exec(["true"], { timeoutMs: 200 });
      expect(result.exitCode).toBe(124);
      expect(result.stderr).toContain("no answer from the command agent");
    } finally {
      await docker.getContainer(CONTAINER).unpause();
    }
    expect((await agent.exec(["echo", "back"])).stdout).toBe("back\n");
  });

  it("starts a new agent when its container restarted", async () => {
    expect((await agent.exec(["true"])).exitCode).toBe(0);
    await docker.getContainer(CONTAINER).restart({ t: 0 });
    expect(await agent.exec(["echo", "again"])).toMatchObject({ exitCode: 0, stdout: "again\n" });
  });
});
