import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import {
  filestoreClientCommand,
  filestoreVolume,
  reconfiguredOptions,
  generateSecrets,
  parseHaproxyCsv,
  renderEtcdConfig,
  renderHaproxyConfig,
  renderKeepalivedConfig,
  renderOdooConfig,
  renderPatroniConfig,
  roleModule,
} from "../src/index.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const pooled = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-pgbouncer-tx/topology.yaml", import.meta.url)));
const monitored = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-replicated/topology.yaml", import.meta.url)));
const secrets = generateSecrets();

describe("haproxy.cfg", () => {
  const config = renderHaproxyConfig(topology, findNode(topology, "lb1"));
  const section = (name: string) => config.split(/\n(?=listen |frontend |backend )/).find((block) => block.startsWith(name)) ?? "";

  it("routes VIP:5433 to the Patroni primary and VIP:5434 to replicas, checked on Patroni's REST port", () => {
    expect(section("listen postgres_rw")).toContain("bind *:5433");
    // OPTIONS: Patroni answers the status code alone, no JSON body for HAProxy to hang up on.
    expect(section("listen postgres_rw")).toContain("option httpchk OPTIONS /primary");
    expect(section("listen postgres_ro")).toContain("bind *:5434");
    expect(section("listen postgres_ro")).toContain("option httpchk OPTIONS /replica");
    // The new primary is found within 250 ms of taking Patroni's key; a primary that stopped taking
    // connections is marked down on the first that fails, not after two checks.
    expect(section("listen postgres_rw")).toMatch(/default-server .*\bdowninter 250ms\b.*\brise 2\b.*\bobserve layer4 error-limit 1 on-error mark-down\b/);
    // No replica healthy (one being promoted, the other down): reads go to the primary, not nowhere.
    expect(section("listen postgres_ro")).toContain("use_backend postgres_rw if { nbsrv(postgres_ro) eq 0 }");
    for (const block of [section("listen postgres_rw"), section("listen postgres_ro")]) {
      expect(block).toContain("server postgresql1 192.168.55.121:5432 check port 8008");
      expect(block).toContain("server postgresql2 192.168.55.122:5432 check port 8008");
      expect(block).toContain("on-marked-down shutdown-sessions");
      // A line per connection with its timers and termination state, as the web frontend logs requests.
      expect(block).toContain("option tcplog");
    }
  });

  it("balances Odoo over both app nodes with /websocket on the real-time port", () => {
    // One request per prefork worker (workers: 2); the rest wait in HAProxy's queue, not in Odoo's backlog.
    expect(section("backend odoo_http")).toContain("server odoo1 192.168.55.111:8069 check maxconn 4"); // one request per worker (labs/odoo-ha: workers 4)
    expect(section("backend odoo_http")).toContain("option abortonclose");
    // Real Odoo answers a check without a Host header with 500: both backends ask as HTTP/1.1 with one.
    for (const backend of [section("backend odoo_http"), section("backend odoo_realtime")]) {
      expect(backend).toContain("http-check send meth GET uri /web/health ver HTTP/1.1 hdr Host 192.168.55.100");
      expect(backend).not.toMatch(/option httpchk GET/);
    }
    expect(section("backend odoo_http")).toContain("http-response set-header X-Lab-Backend %s");
    // Fail open: each node again as an unchecked backup, used only while every checked server is down.
    expect(section("backend odoo_http")).toContain("server odoo1-failopen 192.168.55.111:8069 backup maxconn 4");
    expect(section("backend odoo_http")).toContain("server odoo2-failopen 192.168.55.112:8069 backup maxconn 4");
    expect(section("backend odoo_http")).not.toMatch(/-failopen .*\bcheck\b/);
    // A restarted app node is ramped up, not flooded while its database pools are cold.
    expect(section("backend odoo_http")).toMatch(/default-server .*\bslowstart 10s\b/);
    expect(section("backend odoo_realtime")).toContain("server odoo2 192.168.55.112:8072 check port 8069");
    expect(section("frontend odoo_web")).toMatch(/acl is_realtime path_beg \/websocket/);
  });
});

describe("PgBouncer (labs/odoo-ha-pgbouncer-tx)", () => {
  const node = findNode(pooled, "postgresql1");
  const plan = roleModule("pgbouncer").plan({ topology: pooled, node, secrets, interfaceName: "eth0" });
  const file = (path: string) => plan.files.find((candidate) => candidate.path === path)!;

  it("takes the balancers' SQL on its node (6432) while Patroni's REST port still picks the primary", () => {
    const haproxy = renderHaproxyConfig(pooled, findNode(pooled, "lb1"));
    expect(haproxy).toContain("server postgresql1 192.168.63.121:6432 check port 8008");
    expect(haproxy).toContain("server postgresql2 192.168.63.122:6432 check port 8008");
    expect(renderHaproxyConfig(topology, findNode(topology, "lb2"))).toContain("server postgresql1 192.168.55.121:5432 check port 8008");
  });

  it("pools every database of its own PostgreSQL in the lab's mode, never past what PostgreSQL keeps for applications", () => {
    const ini = file("/etc/pgbouncer/pgbouncer.ini").content;
    expect(ini).toContain("* = host=127.0.0.1 port=5432");
    expect(ini).toContain("pool_mode = transaction");
    // max_connections 200 − 3 superuser − 2 × 2 Patroni − 24 the lab's own
    expect(ini).toContain("max_user_connections = 169");
    expect(ini).toContain("auth_type = scram-sha-256");
  });

  it("lets in Odoo's database user and the superuser with the lab's secrets, readable by PgBouncer's user alone", () => {
    const userlist = file("/etc/pgbouncer/userlist.txt");
    expect(userlist.content).toBe(`"odoo" "${secrets.odooDbPassword}"\n"postgres" "${secrets.postgresSuperuserPassword}"\n`);
    expect(userlist).toMatchObject({ mode: 0o600, owner: "postgres" });
    expect(plan.services).toMatchObject([{ name: "pgbouncer", command: ["pgbouncer", "/etc/pgbouncer/pgbouncer.ini"], user: "postgres" }]);
  });

  it("is a step of `up` the Odoo servers wait for, and a package of the database nodes", () => {
    expect(roleModule("odoo").steps.find((step) => step.name === "odoo")!.after).toContain("pgbouncer");
    expect(roleModule("pgbouncer").debianPackages("debian-13")).toEqual(["pgbouncer"]);
  });
});

describe("a lab of two zones (labs/odoo-ha-zones): each peer reached on the network it shares", () => {
  const zones = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-zones/topology.yaml", import.meta.url)));
  const node = (name: string) => findNode(zones, name);

  it("HAProxy reaches the database nodes on the data network and Odoo on the front one", () => {
    const config = renderHaproxyConfig(zones, node("lb2"));
    expect(config).toContain("server postgresql1 192.168.65.121:5432 check port 8008");
    expect(config).toContain("server odoo1 192.168.64.111:8069 check");
  });

  it("etcd and Patroni advertise their data-network addresses (etcd's members and its Patroni clients share only that one)", () => {
    const etcd = parse(renderEtcdConfig(zones, node("lb1"))) as Record<string, string>;
    expect(etcd["advertise-client-urls"]).toBe("http://192.168.65.101:2379");
    expect(etcd["initial-cluster"]).toBe("lb1=http://192.168.65.101:2380,lb2=http://192.168.65.102:2380,odoo2=http://192.168.65.112:2380");
    const patroni = parse(renderPatroniConfig(zones, node("postgresql2"), secrets)) as { etcd3: { hosts: string[] }; postgresql: { connect_address: string; pg_hba: string[] } };
    expect(patroni.etcd3.hosts).toEqual(["192.168.65.101:2379", "192.168.65.102:2379", "192.168.65.112:2379"]);
    expect(patroni.postgresql.connect_address).toBe("192.168.65.122:5432");
    // Only the network it joins gets in.
    expect(patroni.postgresql.pg_hba.filter((line) => line.startsWith("host all all"))).toEqual(["host all all 192.168.65.0/24 scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256"]);
  });

  it("keepalived holds the VIP on its front interface with the front network's prefix; the filestore's bricks are named by their front addresses", () => {
    const keepalived = renderKeepalivedConfig(zones, node("lb1"), "eth0");
    expect(keepalived).toContain("unicast_src_ip 192.168.64.101");
    expect(keepalived).toMatch(/unicast_peer \{\n\s+192\.168\.64\.102\n/);
    expect(keepalived).toContain("192.168.64.100/24 dev eth0");
    expect(filestoreVolume(zones).bricks).toEqual(["192.168.64.102:/bricks/filestore"]);
  });
});

describe("keepalived.conf", () => {
  it("gives each holder its own priority and the other as unicast peer", () => {
    const lb1 = renderKeepalivedConfig(topology, findNode(topology, "lb1"), "eth0");
    const lb2 = renderKeepalivedConfig(topology, findNode(topology, "lb2"), "eth0");
    expect(lb1).toMatch(/priority 150/);
    expect(lb2).toMatch(/priority 140/);
    expect(lb1).toMatch(/unicast_peer \{\s+192\.168\.55\.102\s+\}/);
    expect(lb2).toMatch(/unicast_src_ip 192\.168\.55\.102/);
    expect(lb1).toContain("192.168.55.100/24 dev eth0");
    expect(lb1).toContain("virtual_router_id 55");
  });

  it("runs the leave script on every way out of MASTER: backup, fault, stop", () => {
    const lb1 = renderKeepalivedConfig(topology, findNode(topology, "lb1"), "eth0");
    for (const event of ["notify_backup", "notify_fault", "notify_stop"]) expect(lb1).toContain(`${event} /etc/keepalived/vip-left.py`);
  });

  it("refuses a node that does not hold the VIP", () => {
    expect(() => renderKeepalivedConfig(topology, findNode(topology, "odoo1"), "eth0")).toThrow(/does not hold the VIP/);
  });
});

describe("patroni.yml", () => {

  const config = parse(renderPatroniConfig(topology, findNode(topology, "postgresql2"), secrets));

  it("joins the lab's etcd and advertises the node's own address", () => {
    expect(config.scope).toBe("odoo-ha");
    expect(config.etcd3.hosts).toEqual(["192.168.55.101:2379", "192.168.55.102:2379", "192.168.55.112:2379"]);
    expect(config.postgresql.connect_address).toBe("192.168.55.122:5432");
    expect(config.restapi.connect_address).toBe("192.168.55.122:8008");
  });

  it("uses the topology's failover timings, synchronous mode, pg_rewind and slots", () => {
    expect(config.bootstrap.dcs).toMatchObject({ ttl: 20, loop_wait: 1, retry_timeout: 3, synchronous_mode: true, synchronous_mode_strict: false, failsafe_mode: false });
    expect(config.bootstrap.dcs.postgresql).toMatchObject({ use_pg_rewind: true, use_slots: true });
    expect(config.bootstrap.dcs.postgresql.parameters.wal_log_hints).toBe("on");
    // A new replica's base backup asks the primary for an immediate checkpoint, not a spread one (minutes).
    expect(config.postgresql.basebackup).toEqual([{ checkpoint: "fast" }]);
  });

  it("runs the release's PostgreSQL, and Patroni 4's quorum commit where the topology asks for it", () => {
    expect(config.postgresql.bin_dir).toBe("/usr/lib/postgresql/17/bin");
    const bookworm = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)), { release: "debian-12" });
    expect(parse(renderPatroniConfig(bookworm, findNode(bookworm, "postgresql1"), secrets)).postgresql.bin_dir).toBe("/usr/lib/postgresql/15/bin");
    const quorum = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-quorum/topology.yaml", import.meta.url)));
    const rendered = parse(renderPatroniConfig(quorum, findNode(quorum, "postgresql3"), secrets));
    expect(rendered.postgresql.bin_dir).toBe("/usr/lib/postgresql/17/bin");
    expect(rendered.bootstrap.dcs).toMatchObject({ ttl: 20, loop_wait: 1, retry_timeout: 3, synchronous_mode: "quorum" });
  });

  it("limits pg_hba to the lab subnet with SCRAM and uses the generated passwords", () => {
    expect(config.postgresql.pg_hba).toContain("host all all 192.168.55.0/24 scram-sha-256");
    expect(config.postgresql.pg_hba.filter((line: string) => line.includes("0.0.0.0/0"))).toEqual([]);
    expect(config.postgresql.authentication.superuser.password).toBe(secrets.postgresSuperuserPassword);
  });
});

describe("etcd", () => {
  it("lists the three members in the initial cluster", () => {
    const config = parse(renderEtcdConfig(topology, findNode(topology, "lb1")));
    expect(config["initial-cluster"]).toBe("lb1=http://192.168.55.101:2380,lb2=http://192.168.55.102:2380,odoo2=http://192.168.55.112:2380");
    expect(config["advertise-client-urls"]).toBe("http://192.168.55.101:2379");
  });
});

describe("odoo.conf and the filestore", () => {
  it("points Odoo at the VIP's read-write port, with the database manager closed", () => {
    const config = renderOdooConfig(topology, findNode(topology, "odoo1"), secrets);
    expect(config).toContain("db_host = 192.168.55.100");
    expect(config).toContain("db_port = 5433");
    expect(config).toContain("data_dir = /var/lib/odoo");
    expect(config).toContain("list_db = False");
    expect(config).toContain("proxy_mode = True");
    expect(config).toContain("workers = 4");
  });

  it("exposes every database of a multi-tenant server in db_name, with the sessions of all in the lab's own", () => {
    expect(renderOdooConfig(topology, findNode(topology, "odoo1"), secrets)).toMatch(/^db_name = lab$/m);
    const tenants = { ...topology, odoo: { ...topology.odoo, otherDatabases: ["tenant2", "tenant3"] } };
    const config = renderOdooConfig(tenants, findNode(tenants, "odoo1"), secrets);
    expect(config).toMatch(/^db_name = lab,tenant2,tenant3$/m);
    expect(config).toMatch(/^lab_ha_session_db = lab$/m);
    expect(config).not.toMatch(/^dbfilter/m);
  });

  it("writes Odoo's log lines to a database of their own only when the topology names one", () => {
    expect(renderOdooConfig(topology, findNode(topology, "odoo1"), secrets)).not.toMatch(/^log_db/m);
    const logged = { ...topology, odoo: { ...topology.odoo, logDatabase: { name: "lab_logs", level: "warning" as const } } };
    const config = renderOdooConfig(logged, findNode(logged, "odoo1"), secrets);
    expect(config).toMatch(/^log_db = lab_logs$/m);
    expect(config).toMatch(/^log_db_level = warning$/m);
    // Not a database Odoo serves.
    expect(config).toMatch(/^db_name = lab$/m);
  });

  it("loads the lab's own addon in every Odoo process, from a folder the app node is given", async () => {
    const { odooPlan, PATHS, LAB_ODOO_ADDON } = await import("../src/index.ts");
    const config = renderOdooConfig(topology, findNode(topology, "odoo1"), secrets);
    expect(config).toContain(`server_wide_modules = base,web,${LAB_ODOO_ADDON}`);
    expect(config).toContain(`addons_path = ${PATHS.odooHome}/addons,${PATHS.odooLabAddons}`);
    // Web sessions in the database unless the topology asks for stock Odoo's files.
    expect(config).toContain("lab_ha_session_store = database");
    expect(renderOdooConfig({ ...topology, odoo: { ...topology.odoo, sessions: "filestore" } }, findNode(topology, "odoo1"), secrets)).toContain("lab_ha_session_store = filestore");
    const plan = odooPlan({ topology, node: findNode(topology, "odoo1"), secrets, interfaceName: "eth0" });
    const addon = plan.files.filter((file) => file.path.startsWith(`${PATHS.odooLabAddons}/${LAB_ODOO_ADDON}/`)).map((file) => file.path.split("/").at(-1));
    // Odoo imports a folder as an addon only when it holds both.
    expect(addon).toEqual(expect.arrayContaining(["__init__.py", "__manifest__.py"]));
  });

  it("gives Odoo's database connections the same TCP keepalives as PostgreSQL's end, through a libpq service", async () => {
    const { odooPlan, PATHS } = await import("../src/index.ts");
    const plan = odooPlan({ topology, node: findNode(topology, "odoo1"), secrets, interfaceName: "eth0" });
    const odoo = plan.services.find((service) => service.name === "odoo")!;
    const service = plan.files.find((file) => file.path === odoo.environment?.PGSERVICEFILE);
    expect(service?.path).toBe(PATHS.odooPgService);
    // libpq reads the section PGSERVICE names; every key there is a libpq connection parameter.
    expect(service?.content).toBe(`[${odoo.environment?.PGSERVICE}]\nkeepalives=1\nkeepalives_idle=10\nkeepalives_interval=3\nkeepalives_count=3\n`);
    const server = parse(renderPatroniConfig(topology, findNode(topology, "postgresql1"), secrets)).postgresql.parameters;
    expect(server).toMatchObject({ tcp_keepalives_idle: 10, tcp_keepalives_interval: 3, tcp_keepalives_count: 3 });
    // A crash's recovery kept short: one syncfs of the data directory, at most 30 s of WAL to replay.
    expect(server).toMatchObject({ recovery_init_sync_method: "syncfs", checkpoint_timeout: "30s" });
    // A standby asks its restarted primary again within half a second, not after 5 s.
    expect(server).toMatchObject({ wal_retrieve_retry_interval: "500ms" });
  });

  it("creates the seed's single brick on lb2, and replica 3 arbiter 1 when replicated", () => {
    expect(filestoreVolume(topology).createCommand).toEqual(["gluster", "--mode=script", "volume", "create", "filestore", "192.168.55.102:/bricks/filestore", "force"]);
    const replicated = { ...topology, storage: { ...topology.storage, layout: "replicated" as const, servers: ["lb2", "lb1", "postgresql1"] } };
    expect(filestoreVolume(replicated).createCommand.slice(4, 9)).toEqual(["filestore", "replica", "3", "arbiter", "1"]);
    expect(filestoreClientCommand(replicated).filter((arg) => arg.startsWith("--volfile-server="))).toHaveLength(3);
  });
});

describe("GlusterFS volume info parsing", () => {
  it("reads the options a volume has set, and none from a volume that has none", () => {
    const info = [
      "",
      "Volume Name: filestore",
      "Type: Distribute",
      "Status: Started",
      "Bricks:",
      "Brick1: 192.168.55.102:/bricks/filestore",
      "Options Reconfigured:",
      "performance.stat-prefetch: off",
      "network.ping-timeout: 5",
      "nfs.disable: on",
      "",
    ].join("\n");
    expect(reconfiguredOptions(info)).toEqual(new Map([["performance.stat-prefetch", "off"], ["network.ping-timeout", "5"], ["nfs.disable", "on"]]));
    expect(reconfiguredOptions("Volume Name: filestore\nStatus: Created\n").size).toBe(0);
  });
});

describe("HAProxy stats parsing", () => {
  it("keeps servers and drops frontends, backends and the stats proxy", () => {
    const csv = "# pxname,svname,qcur,status\nstats,FRONTEND,0,OPEN\npostgres_rw,postgresql1,0,UP\npostgres_rw,postgresql2,0,DOWN\npostgres_rw,BACKEND,0,UP\n";
    expect(parseHaproxyCsv(csv)).toEqual([
      { backend: "postgres_rw", server: "postgresql1", status: "UP" },
      { backend: "postgres_rw", server: "postgresql2", status: "DOWN" },
    ]);
  });
});

describe("the role modules", () => {
  it("name the services each role's plan defines, in the same order", async () => {
    const { ROLE_MODULES } = await import("../src/index.ts");
    for (const role of ROLE_MODULES) {
      const lab = [topology, pooled, monitored].find((candidate) => candidate.nodes.some((node) => node.roles.includes(role.name)))!;
      const node = lab.nodes.find((candidate) => candidate.roles.includes(role.name))!;
      const defined = role.plan({ topology: lab, node, secrets, interfaceName: "eth0" }).services.map((service) => service.name);
      expect(defined, role.name).toEqual(role.services);
    }
  });

  it("are registered once for every role the topology knows, each with a step of `up`", async () => {
    const { ROLE_MODULES } = await import("../src/index.ts");
    const { ROLE_NAMES } = await import("@odoo-ha-lab/topology");
    expect(ROLE_MODULES.map((role) => role.name).sort()).toEqual([...ROLE_NAMES].sort());
    for (const role of ROLE_MODULES) expect(role.steps.length, role.name).toBeGreaterThan(0);
  });

  it("name their durable folders apart (each is a volume named after the node and it): the database's, the bricks, glusterd's and etcd's data", async () => {
    const { machineOf, ROLE_MODULES } = await import("../src/index.ts");
    const folders = ROLE_MODULES.flatMap((role) => machineOf(role.name).durableFolders);
    expect(new Set(folders.map((folder) => folder.name)).size).toBe(folders.length);
    expect(folders.map((folder) => folder.path).sort()).toEqual(["/bricks", "/var/lib/etcd", "/var/lib/glusterd", "/var/lib/postgresql/data"]);
  });
});
