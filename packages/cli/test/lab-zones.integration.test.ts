import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLab, type CliRun } from "./lab-cli.ts";

/**
 * A lab of two zones (labs/odoo-ha-zones: `front` with the VIP, the balancers and Odoo; `data` with
 * PostgreSQL), brought up by the real CLI beside the file's own lab (`--subnet` moves both networks
 * by one offset): a bridge per zone, each container on its zones at its addresses, and the zones
 * really apart: an app node outside the data zone cannot reach the database nodes.
 */
const TOPOLOGY = fileURLToPath(new URL("../../../labs/odoo-ha-zones/topology.yaml", import.meta.url));
const LAB = { LAB_NAME: "zones-it", LAB_SUBNET: "192.168.93.0/24" };
const FRONT = "192.168.93";
const DATA = "192.168.94";
const docker = new Dockerode();
let up: CliRun;

const escaped = (text: string) => text.replace(/\./g, "\\.");
const exec = (node: string, command: string) => runLab(["exec", "-t", TOPOLOGY, node, "--", "sh", "-c", command], LAB);

beforeAll(async () => {
  await runLab(["down", "-t", TOPOLOGY], LAB); // a leftover from an interrupted run
  up = await runLab(["up", "-t", TOPOLOGY], LAB);
  if (up.code !== 0) throw new Error(`lab up failed:\n${up.stderr}`);
});

afterAll(async () => {
  if (process.env.LAB_TEST_KEEP) return;
  await runLab(["down", "-t", TOPOLOGY], LAB);
});

describe("a lab of two zones", () => {
  it("has a bridge per zone, and each container on its zones at its addresses", async () => {
    expect(up.stderr).toContain(`network ${FRONT}.0/24 created`);
    expect(up.stderr).toContain(`network ${DATA}.0/24 created`);
    const networks = await docker.listNetworks({ filters: { label: ["odoo-ha-lab.lab=zones-it"] } });
    expect(networks.map((network) => network.Name).sort()).toEqual(["zones-it-data", "zones-it-front"]);
    const lb1 = await docker.getContainer("zones-it-lb1").inspect();
    expect(Object.fromEntries(Object.entries(lb1.NetworkSettings.Networks).map(([name, endpoint]) => [name, endpoint.IPAddress]))).toEqual({ "zones-it-front": `${FRONT}.101`, "zones-it-data": `${DATA}.101` });
    const postgresql1 = await docker.getContainer("zones-it-postgresql1").inspect();
    expect(Object.keys(postgresql1.NetworkSettings.Networks)).toEqual(["zones-it-data"]);
  });

  it("keeps the VIP on the balancer's front interface, and the database reachable only through it from an app node outside the data zone", async () => {
    const status = JSON.parse((await runLab(["status", "-t", TOPOLOGY, "--json"], LAB)).stdout) as { vip: { holders: string[] } };
    const holder = status.vip.holders[0]!;
    const own = holder === "lb1" ? "101" : "102";
    const addresses = (await exec(holder, "ip -o -4 addr show dev eth0; ip -o -4 addr show dev eth1")).stdout;
    expect(addresses).toMatch(new RegExp(`eth0\\s+inet ${escaped(FRONT)}\\.100/24`));
    expect(addresses).toMatch(new RegExp(`eth1\\s+inet ${escaped(DATA)}\\.${own}/24`));
    const direct = await exec("odoo1", `timeout 3 bash -c '</dev/tcp/${DATA}.121/5432' && echo reachable || echo unreachable`);
    expect(direct.stdout.trim()).toBe("unreachable");
    const throughVip = await exec("odoo1", `timeout 3 bash -c '</dev/tcp/${FRONT}.100/5433' && echo reachable || echo unreachable`);
    expect(throughVip.stdout.trim()).toBe("reachable");
  });

  it("runs the whole lab across the zones: Patroni's replica streams, the VIP is held, Odoo answers through it", async () => {
    const status = await runLab(["status", "-t", TOPOLOGY, "--json"], LAB);
    const report = JSON.parse(status.stdout) as { patroni: { name: string; role: string; state: string }[]; vip: { holders: string[] }; odoo: { throughVip: { ok: boolean } } };
    expect(report.patroni.map((member) => member.state).sort()).toEqual(["running", "streaming"]);
    expect(report.vip.holders).toHaveLength(1);
  });

  it("removes both zones' bridges with the lab", async () => {
    const down = await runLab(["down", "-t", TOPOLOGY], LAB);
    expect(down.stdout + down.stderr).toMatch(/6 containers, 2 networks/);
    expect(await docker.listNetworks({ filters: { label: ["odoo-ha-lab.lab=zones-it"] } })).toEqual([]);
  });
});
