import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLab } from "./lab-cli.ts";

/**
 * A lab whose topology names release debian-13: its nodes run trixie's packages (the app nodes keep
 * Odoo 17 on Debian 12, with trixie's etcd), brought up by the real CLI in a lab of its own. Its
 * failover is the chaos suite's (`kill-master-debian13`).
 */
const TOPOLOGY = fileURLToPath(new URL("../../../labs/odoo-ha-debian13/topology.yaml", import.meta.url));
const LAB = { LAB_NAME: "itest-d13", LAB_SUBNET: "192.168.81.0/24" };
const args = (command: string, ...rest: string[]) => [command, "-t", TOPOLOGY, ...rest];

async function onNode(node: string, script: string): Promise<string> {
  const result = await runLab(args("exec", node, "--", "sh", "-c", script), LAB);
  expect(result.code, `${node}: ${script}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  await runLab(args("down"), LAB);
  const up = await runLab(args("up", "--json"), LAB);
  if (up.code !== 0) throw new Error(`lab up failed:\n${up.stderr}`);
});

afterAll(async () => {
  if (!process.env.LAB_TEST_KEEP) await runLab(args("down"), LAB);
});

describe("a lab on Debian 13", () => {
  it("runs trixie's Patroni 4 and PostgreSQL 17 on the database nodes, one leader and a streaming replica", async () => {
    for (const node of ["postgresql1", "postgresql2"]) {
      const versions = await onNode(node, ". /etc/os-release && echo $VERSION_CODENAME && patroni --version && /usr/lib/postgresql/17/bin/postgres --version");
      expect(versions).toMatch(/^trixie\npatroni 4\.0\.\d+\npostgres \(PostgreSQL\) 17\./);
    }
    const cluster = JSON.parse(await onNode("postgresql1", "curl -sf http://127.0.0.1:8008/cluster")) as { members: { role: string; state: string }[] };
    expect(cluster.members.map((member) => member.role).sort()).toEqual(["leader", "sync_standby"]);
    expect(cluster.members.find((member) => member.role !== "leader")?.state).toBe("streaming");
  });

  it("runs HAProxy 3.0, keepalived 2.3 and GlusterFS 11 on the balancers", async () => {
    expect(await onNode("lb1", "haproxy -v | head -n 1")).toMatch(/^HAProxy version 3\.0\./);
    expect(await onNode("lb1", "keepalived --version 2>&1 | head -n 1")).toMatch(/^Keepalived v2\.3\./);
    expect(await onNode("lb2", "glusterd --version | head -n 1")).toMatch(/^glusterfs 11\./);
  });

  it("runs one etcd 3.5 on every member, the Debian 12 app node's included", async () => {
    for (const node of ["lb1", "lb2", "odoo2"]) expect(await onNode(node, "etcd --version | head -n 1")).toMatch(/^etcd Version: 3\.5\./);
    expect(await onNode("odoo2", ". /etc/os-release && echo $VERSION_CODENAME")).toBe("bookworm\n");
    const status = await onNode("odoo2", "etcdctl --endpoints=http://127.0.0.1:2379 endpoint status --cluster -w json");
    const versions = (JSON.parse(status) as { Status: { version: string } }[]).map((member) => member.Status.version);
    expect(versions).toHaveLength(3);
    for (const version of versions) expect(version).toMatch(/^3\.5\./);
  });
});
