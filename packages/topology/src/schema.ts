import { z } from "zod";
import { DEFAULT_RELEASE, RELEASE_NAMES } from "./releases.ts";
import { ROLE_NAMES } from "./roles.ts";

/** The topology file as a user writes it. Everything optional here has a default a lab can run with. */

/** A DNS label (RFC 1123) that starts with a letter: lab and node names become host and container names. */
const dnsLabel = (max: number) =>
  z.string().regex(new RegExp(`^[a-z](?:[a-z0-9-]{0,${max - 2}}[a-z0-9])?$`), `must match [a-z][a-z0-9-]*: 1-${max} characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'`);

const labName = dnsLabel(20);

const MAX_NODES = 250;
const MAX_NETWORKS = 8;

const networkSchema = z.object({ subnet: z.string() }).strict();

const port = z.number().int().min(1).max(65535);

const odooNodeOptions = z
  .object({
    workers: z.number().int().min(0).max(32).optional(),
    maxCronThreads: z.number().int().min(0).max(32).optional(),
    http: z.boolean().optional(),
  })
  .strict();

const nodeSchema = z
  .object({
    /** Its address on a one-network lab (`network:`). */
    address: z.string().optional(),
    /** Its address on each network it joins, in the order its interfaces come (a lab with `networks:`). */
    networks: z.record(z.string(), z.string()).optional(),
    roles: z.array(z.enum(ROLE_NAMES)).min(1, "a node needs at least one role"),
    memoryMiB: z.number().int().min(64).max(1024 * 1024).optional(),
    odoo: odooNodeOptions.optional(),
  })
  .strict();

const patroniSchema = z
  .object({
    // The fastest timing Patroni ≥ 3.2 accepts unchanged (patroni-timing.ts): every lab in labs/ runs it.
    ttl: z.number().int().min(5).max(3600).default(20),
    loopWait: z.number().int().min(1).max(600).default(1),
    retryTimeout: z.number().int().min(1).max(600).default(3),
    maximumLagOnFailoverBytes: z.number().int().min(0).max(2 ** 40).default(1048576),
  })
  .strict();

/** PostgreSQL truncates names to 63 bytes: a longer one would name another database. */
const databaseName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must match [a-z][a-z0-9_]*, at most 63 characters (PostgreSQL's limit)");

export const topologyFileSchema = z
  .object({
    name: labName,
    description: z.string().optional(),
    /** The release every node but the app tier's Odoo runs (releases.ts): images, packages, Patroni's rules. */
    release: z.enum(RELEASE_NAMES).default(DEFAULT_RELEASE),
    /** The one network of a one-network lab (its nodes then give an `address`). */
    network: networkSchema.optional(),
    /**
     * The networks (zones) of a lab with several: each node lists the ones it joins with an address
     * on each (`nodes.<name>.networks`), and the VIP names its own (`vip.network`).
     */
    networks: z
      .record(dnsLabel(12), networkSchema)
      .refine((networks) => Object.keys(networks).length >= 1 && Object.keys(networks).length <= MAX_NETWORKS, { message: `declare 1 to ${MAX_NETWORKS} networks` })
      .optional(),
    vip: z
      .object({
        address: z.string(),
        /** The network the VIP lives on (default: the first network); its holders must join it. */
        network: z.string().optional(),
        routerId: z.number().int().min(1).max(255).default(55),
        /** VRRPv3 carries it in centiseconds in 12 bits: 0.01 to 40.95 s. */
        advertIntervalSeconds: z.number().min(0.01).max(40.95, "VRRPv3 advertises at most every 40.95 s (12 bits of centiseconds)").default(1),
      })
      .strict(),
    /** A lab is a handful of machines; the bound keeps a generated or mistaken file from taking minutes to check. */
    nodes: z
      .record(dnsLabel(31), nodeSchema)
      .refine((nodes) => Object.keys(nodes).length <= MAX_NODES, { message: `a lab has at most ${MAX_NODES} nodes` }),
    services: z
      .object({
        databaseReadWritePort: port.default(5433),
        databaseReadOnlyPort: port.default(5434),
        webPort: port.default(80),
      })
      .strict()
      .default({}),
    postgres: z
      .object({
        /** The release's PostgreSQL (15 on debian-12, 17 on debian-13); naming another is refused. */
        version: z.number().int().optional(),
        /**
         * Patroni's synchronous_mode: true (one synchronous standby), false (asynchronous), or
         * "quorum" (Patroni 4: a commit waits for any one of the replicas, ANY 1 (...), and any of
         * them may be promoted; validate.ts asks for Patroni 4 and three database nodes).
         */
        synchronous: z.union([z.boolean(), z.literal("quorum")]).default(true),
        /** PostgreSQL's max_connections: every Odoo process's pool must fit (see validate.ts). */
        maxConnections: z.number().int().min(50).max(10_000).default(200),
        patroni: patroniSchema.default({}),
      })
      .strict()
      .default({}),
    /**
     * PgBouncer on the database nodes that have the `pgbouncer` role. `session`: a client keeps its
     * server connection until it disconnects, so LISTEN/NOTIFY (Odoo's bus and cron wake-ups) works.
     * `transaction`: a server connection is lent for one transaction only, so a LISTEN is left on a
     * connection the client no longer holds and its notifications never reach it.
     */
    pgbouncer: z
      .object({
        poolMode: z.enum(["session", "transaction"]).default("session"),
      })
      .strict()
      .optional(),
    storage: z
      .object({
        layout: z.enum(["single-brick", "replicated"]).default("single-brick"),
        /** glusterd takes volume names of up to 256 characters. */
        volume: z.string().regex(/^[a-z][a-z0-9_-]{0,255}$/, "must match [a-z][a-z0-9_-]*, at most 256 characters").default("filestore"),
        pingTimeoutSeconds: z.number().int().min(1).max(1800).default(5),
      })
      .strict()
      .default({}),
    odoo: z
      .object({
        /** The Odoo image: any image that follows the official odoo:<version> conventions. */
        image: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._\/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?$/, "must be an image reference such as odoo:17 or registry.example.com/odoo:17.0")
          .default("odoo:17"),
        /** A local Odoo source (tarball or checkout) to build the image from; wins over `image`. */
        source: z.string().min(1).optional(),
        database: databaseName.default("lab"),
        /**
         * Further databases on the same servers, as a multi-tenant Odoo without a per-host dbfilter:
         * the server serves each session's own database, and a session that loses it is logged out
         * (with one database Odoo would fall back to it). Each is created as `database` is.
         */
        otherDatabases: z.array(databaseName).max(9, "at most 9 other databases").default([]),
        workers: z.number().int().min(0).max(32).default(2),
        maxCronThreads: z.number().int().min(0).max(32).default(1),
        /**
         * Each Odoo process's connection pool (db_maxconn). A prefork worker serves one request at a
         * time and holds one or two cursors, so 8 is ample; Odoo's own default (64) is sized for its
         * threaded mode.
         */
        dbMaxConn: z.number().int().min(2).max(10_000).default(8),
        /**
         * Where web sessions live. `database`: a table of the lab's database (the lab's Odoo addon),
         * replicated and failed over with it. `filestore`: stock Odoo's files in the data directory,
         * on the shared filestore, where the other app node may read a replaced file as stale and
         * losing lb2 logs every user out; kept to measure that difference.
         */
        sessions: z.enum(["database", "filestore"]).default("database"),
        /**
         * Odoo's server log lines also written to a database of their own (Odoo's `log_db`: a table
         * `ir_logging`), as the Chinese seed article keeps logs in a database rather than in each
         * host's files: on the lab's PostgreSQL cluster, replicated and failed over with it. Off
         * unless named.
         */
        logDatabase: databaseName.optional(),
        /** The lowest level written there (Odoo's `log_db_level`; its default, `warning`). */
        logDatabaseLevel: z.enum(["debug", "info", "warning", "error", "critical"]).default("warning"),
      })
      .strict()
      .default({}),
  })
  .strict();

export type TopologyFile = z.input<typeof topologyFileSchema>;
export type ParsedTopologyFile = z.output<typeof topologyFileSchema>;
