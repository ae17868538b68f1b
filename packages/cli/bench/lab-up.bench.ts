/**
 * Benchmark (not a test): cold `lab up` (no lab images on the engine), then three times: warm `lab up`
 * (images cached, no lab), an idempotent re-run, `lab status`, `lab down`; and the running lab's memory. Writes its section of
 * docs/benchmarks.md. Run: pnpm bench:lab [--skip-cold]
 *
 * It uses its own lab name and subnet, so a developer's default lab is left alone.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Dockerode from "dockerode";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { databaseCacheRoot } from "../src/database-cache.ts";
import { DEFAULT_TOPOLOGY } from "../src/options.ts";
import { REPO_ROOT } from "../src/state.ts";
import { writeMarkdownSection } from "./markdown-section.ts";

const LAB = { LAB_NAME: "bench", LAB_SUBNET: "192.168.78.0/24" };
const docker = new Dockerode();
const skipCold = process.argv.includes("--skip-cold");

function lab(...args: string[]): number {
  const started = Date.now();
  const result = spawnSync(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "packages/cli/src/main.ts"), ...args], {
    env: { ...process.env, ...LAB },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error(`lab ${args.join(" ")} failed (exit ${result.status})`);
  return (Date.now() - started) / 1000;
}

async function labMemoryMiB(): Promise<{ total: number; perNode: [string, number][] }> {
  const containers = await docker.listContainers({ filters: { label: [`odoo-ha-lab.lab=${LAB.LAB_NAME}`] } });
  const perNode: [string, number][] = [];
  for (const info of containers) {
    const stats = (await docker.getContainer(info.Id).stats({ stream: false })) as unknown as { memory_stats: { usage?: number; stats?: { cache?: number } } };
    // Page cache is reclaimable and not the lab's working set (docker stats subtracts it too).
    const bytes = (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.cache ?? 0);
    perNode.push([info.Labels["odoo-ha-lab.node"] ?? info.Names[0] ?? "?", bytes / 2 ** 20]);
  }
  perNode.sort(([a], [b]) => a.localeCompare(b));
  return { total: perNode.reduce((sum, [, mib]) => sum + mib, 0), perNode };
}

/**
 * Every lab image, children before parents: `docker rmi` refuses an image other images are built
 * on (the node image under the PostgreSQL and Odoo images), so one pass left the base and node images.
 */
function removeLabImages(): void {
  const labImages = () => execFileSync("docker", ["images", "-q", "--filter", "label=odoo-ha-lab.image"], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (let pass = 0; pass < 5 && labImages().length > 0; pass++) spawnSync("docker", ["rmi", "-f", ...new Set(labImages())], { stdio: "ignore" });
  const left = labImages();
  if (left.length > 0) throw new Error(`cannot remove the lab images ${left.join(", ")}: the cold figure would not be cold`);
  spawnSync("docker", ["image", "prune", "-f"], { stdio: "ignore" });
  spawnSync("docker", ["builder", "prune", "-af"], { stdio: "ignore" });
}

/** The middle value: each figure is the median of three runs, the runs shown beside it. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

lab("down");
let cold: number | undefined;
if (!skipCold) {
  removeLabImages();
  // A bare machine has no database snapshot either.
  rmSync(databaseCacheRoot(), { recursive: true, force: true });
  cold = lab("up", "-q");
  lab("down");
}
const runs = { warm: [] as number[], again: [] as number[], status: [] as number[], down: [] as number[] };
let memory: Awaited<ReturnType<typeof labMemoryMiB>> | undefined;
for (let run = 0; run < 3; run++) {
  runs.warm.push(lab("up", "-q"));
  runs.again.push(lab("up", "-q"));
  runs.status.push(lab("status"));
  memory ??= await labMemoryMiB();
  runs.down.push(lab("down"));
}
/** What each app node runs, as the topology says (the figures depend on it). */
function appNodesDescription(): string {
  const settings = [...new Set(loadTopologyFile(DEFAULT_TOPOLOGY).nodes.flatMap((node) => (node.odoo ? [`${node.odoo.workers} workers + ${node.odoo.maxCronThreads} cron`] : [])))];
  return settings.join(" or ");
}

const cpu = execFileSync("sh", ["-c", "nproc; grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: "utf8" }).trim().split("\n");
const figure = (values: number[]) => `${median(values).toFixed(1)} s (${values.map((value) => value.toFixed(1)).join(", ")})`;
const rows = [
  ["cold `lab up` (engine running, no lab image, no build cache, no database snapshot: debootstrap + every image build + `-i base` + the lab; installing docker.io and pnpm first adds their time)", cold === undefined ? "not run" : `${cold.toFixed(1)} s (one run)`, "≤ 4 min"],
  ["warm `lab up` (images cached, no lab; the database restored from the cache, the browser check included)", figure(runs.warm), "≤ 20 s"],
  ["`lab up` again on the running lab (changes nothing)", figure(runs.again), "≤ 5 s"],
  ["`lab status`", figure(runs.status), "≤ 1.5 s"],
  ["`lab down`", figure(runs.down), "≤ 2 s"],
  ["whole lab memory (6 containers, working set, after the first up)", `${(memory!.total / 1024).toFixed(2)} GiB (${memory!.total.toFixed(0)} MiB)`, "≤ 1 GiB"],
];
const body = [
  "## `lab up` / `lab down` and the lab's memory",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} by \`pnpm bench:lab\` on ${cpu[0]} cores (${cpu[1]?.trim()}), default topology (real Odoo 17 built from LAB_ODOO_SOURCE, ${appNodesDescription()} on each app node).`,
  "",
  "Each figure is the median of three runs (the runs in brackets), through the CLI as `pnpm lab` runs it (without pnpm's own ~0.3 s).",
  "",
  "| what | measured | target |",
  "|---|---|---|",
  ...rows.map((row) => `| ${row.join(" | ")} |`),
  "",
  "Memory per node (MiB): " + memory!.perNode.map(([node, mib]) => `${node} ${mib.toFixed(0)}`).join(", ") + ".",
].join("\n");
writeMarkdownSection(join(REPO_ROOT, "docs", "benchmarks.md"), "lab-up", body);
console.log(body);
