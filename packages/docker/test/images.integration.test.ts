import { PostgreSqlContainer } from "@testcontainers/postgresql";
import type Dockerode from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDockerEngine } from "../src/engine.ts";
import { ensureLabImages, type LabImages } from "../src/images.ts";
import { DEFAULT_RELEASE, RELEASES } from "@odoo-ha-lab/topology";

// Ryuk and the host-finding alpine image cannot be pulled here (vitest.config.ts sets these too).
process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE = "localhost";

const TEST_LABELS = { "odoo-ha-lab.test": "images" };
/** The tests' Odoo: the source `pnpm test` names (the shared Odoo 17 tarball), else an odoo:17 image on this engine. */
const ODOO = { image: "odoo:17", source: process.env.LAB_ODOO_SOURCE };

let docker: Dockerode;
let images: LabImages;

beforeAll(async () => {
  docker = await ensureDockerEngine({ install: false });
  await removeTestContainers(); // left over by a runner that died
  images = await ensureLabImages(docker, { onProgress: (step) => console.log(step), odoo: ODOO });
}, 900_000);

afterAll(async () => {
  if (docker) await removeTestContainers();
});

describe("lab images", () => {
  it("are content-addressed: a second call builds nothing, quickly", async () => {
    const started = Date.now();
    const again = await ensureLabImages(docker, { odoo: ODOO });
    const elapsedMs = Date.now() - started;
    console.log(`warm ensureLabImages: ${elapsedMs} ms`);
    expect(again.built).toEqual([]);
    expect(again).toEqual({ ...images, built: [] });
    expect(elapsedMs).toBeLessThan(2_000);
    for (const tag of [images.node, images.postgres, images.odoo]) {
      expect(tag).toMatch(/^odoo-ha-lab\/[a-z-]+:[0-9a-f]{12}$/);
      const name = tag.split(/[/:]/)[1];
      expect((await docker.getImage(tag).inspect()).Config.Labels?.["odoo-ha-lab.image"]).toBe(name);
    }
  });

  it("node image carries the real HA stack of the default release, Debian 13", async () => {
    const versions = await runScript(
      images.node,
      "haproxy -v | head -1; keepalived --version 2>&1 | head -1; patroni --version; etcd --version | head -1; " +
        "etcdctl version | head -1; glusterd --version | head -1; psql --version; supervisorctl --help | head -1; " +
        "python3 -c 'import patroni.dcs.etcd3' && echo patroni-etcd3-ok; pg_lsclusters --no-header | wc -l; " +
        "stat -c '%U %a' /var/lib/postgresql/data; ls /etc/supervisor/conf.d | wc -l",
    );
    expect(versions).toMatch(/HAProxy version 3\.0\./);
    expect(versions).toMatch(/Keepalived v2\.3\./);
    expect(versions).toMatch(/patroni 4\.0\./);
    expect(versions).toMatch(/etcd Version: 3\.5\./);
    expect(versions).toMatch(/etcdctl version: 3\.5\./);
    expect(versions).toMatch(/glusterfs 11\./);
    expect(versions).toMatch(/psql \(PostgreSQL\) 17\./);
    expect(versions).toMatch(/supervisorctl/);
    expect(versions).toMatch(/patroni-etcd3-ok/);
    // No default cluster (Patroni owns the data dir), data dir ready, conf.d empty.
    expect(versions).toMatch(/^0\npostgres 700\n0$/m);
  });

  it("node image runs supervisord as PID 1 and recovers from docker kill", async () => {
    const container = await docker.createContainer({ Image: images.node, Labels: TEST_LABELS });
    await container.start();
    await waitForExec(container, ["supervisorctl", "version"]);

    // The provisioner's convention: a program file in conf.d, then update (which rereads it).
    await exec(container, [
      "sh",
      "-c",
      "printf '[program:sleeper]\\ncommand=sleep 600\\n' > /etc/supervisor/conf.d/sleeper.conf && supervisorctl update",
    ]);
    expect(await waitForExec(container, ["supervisorctl", "status", "sleeper"], /RUNNING/)).toMatch(/RUNNING/);
    expect(await exec(container, ["lab-wait-mount", "/proc", "--", "echo", "mounted"])).toMatch(/mounted/);
    expect(await exec(container, ["sh", "-c", "timeout 1 lab-wait-mount /tmp -- echo no; echo exit=$?"])).toMatch(/exit=124/);

    // A pid file whose PID will be reused after a kill must not survive the restart.
    await exec(container, ["sh", "-c", "echo 1 > /run/keepalived.pid; mkdir -p /var/lib/postgresql/data && echo 1 > /var/lib/postgresql/data/postmaster.pid"]);
    await container.kill();
    await container.start();
    expect(await waitForExec(container, ["supervisorctl", "status", "sleeper"], /RUNNING/)).toMatch(/RUNNING/);
    const leftovers = await exec(container, ["sh", "-c", "ls /run/keepalived.pid /var/lib/postgresql/data/postmaster.pid 2>/dev/null; test -d /run/lab && echo run-lab"]);
    expect(leftovers.trim()).toBe("run-lab");
  });

  it("odoo image is a lab node on a real Odoo with the official image's layout", async () => {
    const config = (await docker.getImage(images.odoo).inspect()).Config;
    expect(config.Entrypoint).toEqual(["/usr/local/bin/lab-init"]);
    expect(config.User || "root").toBe("root");
    const app = (await docker.getImage(images.odooApp).inspect()).Config;
    expect(app.User).toBe("odoo");
    expect(app.ExposedPorts).toMatchObject({ "8069/tcp": {}, "8072/tcp": {} });
    const layout = await runScript(
      images.odoo,
      "for c in odoo psql curl glusterfs supervisord lab-init lab-wait-mount iptables tc nc killall; do command -v $c; done; stat -c '%n %U' /etc/odoo /var/lib/odoo; " +
        "su odoo -s /bin/sh -c 'odoo --version'",
    );
    // The node tools the probes and the chaos faults use on every node are there too, whatever the Odoo image brought.
    expect(layout).toMatch(/^\/usr\/bin\/odoo\n.*psql\n.*curl\n.*glusterfs\n.*supervisord\n.*lab-init\n.*lab-wait-mount\n.*iptables\n.*tc\n.*nc\n.*killall\n/);
    expect(layout).toMatch(/\/etc\/odoo odoo\n\/var\/lib\/odoo odoo/);
    expect(layout).toMatch(/^Odoo Server 17\.0/m);
  });

  it("postgres image starts under @testcontainers/postgresql", async () => {
    const container = await new PostgreSqlContainer(images.postgres).withLabels(TEST_LABELS).start();
    const client = new pg.Client({ connectionString: container.getConnectionUri() });
    try {
      await client.connect();
      const result = await client.query<{ version: string }>("select version()");
      // The default release's PostgreSQL (17 on Debian 13).
      expect(result.rows[0]?.version).toMatch(new RegExp(`^PostgreSQL ${RELEASES[DEFAULT_RELEASE].postgresMajor}\\.`));
      const db = await client.query<{ db: string; user: string }>("select current_database() as db, current_user as user");
      expect(db.rows[0]).toEqual({ db: "test", user: "test" });
    } finally {
      await client.end().catch(() => {});
      await container.stop();
    }
  });
});

async function runScript(image: string, script: string): Promise<string> {
  const container = await docker.createContainer({ Image: image, Entrypoint: ["sh", "-c"], Cmd: [script], Tty: true, Labels: TEST_LABELS });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true })).toString().replace(/\r\n/g, "\n");
    if (StatusCode !== 0) throw new Error(`script in ${image} exited ${StatusCode}:\n${output}`);
    return output;
  } finally {
    await container.remove({ force: true });
  }
}

async function exec(container: Dockerode.Container, cmd: string[]): Promise<string> {
  const run = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await run.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const output = Buffer.concat(chunks).toString().replace(/\r\n/g, "\n");
  const { ExitCode } = await run.inspect();
  if (ExitCode !== 0) throw new Error(`\`${cmd.join(" ")}\` exited ${ExitCode}:\n${output}`);
  return output;
}

/** Retry an exec until it succeeds (and its output matches), for up to 15 s. */
async function waitForExec(container: Dockerode.Container, cmd: string[], expected?: RegExp): Promise<string> {
  const deadline = Date.now() + 15_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      last = await exec(container, cmd);
      if (!expected || expected.test(last)) return last;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`\`${cmd.join(" ")}\` did not succeed within 15 s; last output:\n${last}`);
}

async function removeTestContainers(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: ["odoo-ha-lab.test=images"] } });
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true })));
}
