/**
 * JSON-RPC throughput of one stand-in server (2 HTTP workers, no cron) on loopback:
 * 16 closed-loop clients for ~10 s each on reads (res.partner search_read) and writes
 * (res.partner create), then the RSS of every process of the server. Prints a markdown table.
 *
 *   pnpm --filter @odoo-ha-lab/odoo-standin bench        (tsx bench/jsonrpc.bench.ts)
 *   ... bench -- --write docs/benchmarks.md             (also replace its section of that file)
 *
 * PostgreSQL: a throw-away container of the lab's postgres image (as the integration tests).
 * Knobs: BENCH_CLIENTS (16), BENCH_SECONDS (10), BENCH_WORKERS (2).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { writeMarkdownSection } from "../../cli/bench/markdown-section.ts";
import { cpus } from "node:os";
import { OdooClient } from "../src/client/odoo-client.ts";
import { uniqueDatabaseName } from "../test/support/postgres.ts";
import { buildBundle, startTestPostgres } from "../test/support/postgres-container.ts";
import { initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type Standin } from "../test/support/standin.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

interface PhaseResult {
  name: string;
  calls: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

/** Closed loop: each client sends its next call when the previous one is answered; bounded in time. */
async function runPhase(name: string, clients: OdooClient[], call: (client: OdooClient, index: number) => Promise<unknown>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, clientIndex) => {
      let index = 0;
      while (performance.now() < deadline) {
        const before = performance.now();
        try {
          await call(client, clientIndex * 1_000_000 + index++);
          latencies.push(performance.now() - before);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { name, calls: latencies.length, errors, seconds: (performance.now() - started) / 1000, latencies };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** RSS (VmRSS) of a process, in MiB, from /proc. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

function roleOf(server: Standin, pid: number): string {
  if (pid === server.pid) return "main";
  const logs = server.logs();
  if (new RegExp(`Worker WorkerHTTP \\(${pid}\\) alive`).test(logs)) return "http worker";
  if (new RegExp(`Worker WorkerCron \\(${pid}\\) alive`).test(logs)) return "cron worker";
  if (new RegExp(`${pid} INFO \\S+ odoo\\.service\\.server: Evented Service`).test(logs)) return "real-time (gevent)";
  return "other";
}

function writeTarget(): string | undefined {
  const index = process.argv.indexOf("--write");
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  buildBundle();
  const postgres = await startTestPostgres();
  const database = uniqueDatabaseName("bench");
  const options = { name: "bench", postgres: postgres.target, database, dataDir: temporaryDirectory("standin-bench-data"), workers: WORKERS, cronWorkers: 0 };
  let server: Standin | undefined;
  try {
    await initDatabase(options);
    server = await startStandin(options);
    const clients = Array.from({ length: CLIENTS }, () => new OdooClient({ url: server!.url, db: database, timeoutMs: 30_000 }));
    const uid = await clients[0]!.login("admin", "admin");
    if (uid === false) throw new Error("admin login failed");
    for (const client of clients) client.useCredentials(uid, "admin");
    // Seed partners to read, and warm every worker's credential cache (one pbkdf2 per worker).
    await clients[0]!.executeKw("res.partner", "create", [Array.from({ length: 200 }, (_, index) => ({ name: `bench partner ${index}`, email: `p${index}@bench.example` }))]);
    await Promise.all(clients.map((client) => client.executeKw("res.partner", "search_count", [[]])));

    const processes = [server.pid, ...childrenOf(server.pid)];
    const idle = new Map(processes.map((pid) => [pid, rssMiB(pid)]));
    const peak = new Map(idle);
    const sampler = setInterval(() => {
      for (const pid of processes) {
        try {
          peak.set(pid, Math.max(peak.get(pid) ?? 0, rssMiB(pid)));
        } catch {
          // a process that ended is reported with its last sample
        }
      }
    }, 250);

    const reads = await runPhase("read: res.partner search_read (limit 20, 2 fields)", clients, (client) =>
      client.executeKw("res.partner", "search_read", [[["name", "ilike", "bench"]]], { fields: ["name", "email"], limit: 20 }),
    );
    const writes = await runPhase("write: res.partner create", clients, (client, index) => client.executeKw("res.partner", "create", [{ name: `written ${index}`, email: `w${index}@bench.example` }]));
    clearInterval(sampler);

    const lines = [
      `### odoo-standin JSON-RPC (${WORKERS} HTTP workers, ${CLIENTS} closed-loop clients, ${SECONDS} s per phase, loopback, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)})`,
      "",
      "| phase | calls | calls/s | p50 ms | p95 ms | p99 ms | errors |",
      "|---|---:|---:|---:|---:|---:|---:|",
    ];
    for (const phase of [reads, writes]) {
      const sorted = [...phase.latencies].sort((a, b) => a - b);
      lines.push(
        `| ${phase.name} | ${phase.calls} | ${(phase.calls / phase.seconds).toFixed(0)} | ${percentile(sorted, 0.5).toFixed(1)} | ${percentile(sorted, 0.95).toFixed(1)} | ${percentile(sorted, 0.99).toFixed(1)} | ${phase.errors} |`,
      );
    }
    lines.push("", "| process | pid | RSS idle MiB | RSS peak MiB |", "|---|---:|---:|---:|");
    let totalIdle = 0;
    let totalPeak = 0;
    for (const pid of processes) {
      totalIdle += idle.get(pid)!;
      totalPeak += peak.get(pid)!;
      lines.push(`| ${roleOf(server, pid)} | ${pid} | ${idle.get(pid)!.toFixed(0)} | ${peak.get(pid)!.toFixed(0)} |`);
    }
    lines.push(`| **all** | | ${totalIdle.toFixed(0)} | ${totalPeak.toFixed(0)} |`);
    console.log(`\n${lines.join("\n")}`);
    const target = writeTarget();
    if (target) {
      writeMarkdownSection(target, "standin-jsonrpc", lines.join("\n"));
      console.log(`\n(section standin-jsonrpc of ${target} updated)`);
    }
  } finally {
    await server?.stop();
    await postgres.stop();
    removeTemporaryDirectories();
  }
}

await main();
