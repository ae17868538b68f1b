import { spawnSync } from "node:child_process";

/** The lab's own apt-get calls on this machine queue on this lock. */
const LAB_APT_LOCK = "/var/lock/odoo-ha-lab-apt.lock";

export interface LocalInstall {
  ok: boolean;
  status: number | null;
  /** The last lines apt-get printed. */
  output: string;
}

/**
 * Installs Debian packages on this machine (as root): `apt-get install`, and where that fails (lists
 * too old to know the package), `apt-get update` and install again. apt-get fails at once when another
 * one holds its locks, and test files run in parallel, each installing what it needs: the lab's own
 * calls queue on one lock (flock), and DPkg::Lock::Timeout waits for anyone else's
 * (unattended-upgrades on a fresh machine).
 */
export function installLocalPackages(packages: string[], options: { recommends?: boolean; timeoutMs?: number } = {}): LocalInstall {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const apt = `apt-get -q -o DPkg::Lock::Timeout=${Math.round(timeoutMs / 1000)}`;
  const script = `install() { ${apt} install -y ${options.recommends ? "" : "--no-install-recommends"} "$@"; }
install "$@" || { ${apt} update && install "$@"; }`;
  const result = spawnSync("flock", ["-w", String(Math.round(timeoutMs / 1000)), LAB_APT_LOCK, "sh", "-c", script, "sh", ...packages], {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: timeoutMs * 2,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`.trim().split("\n").slice(-15).join("\n");
  return { ok: result.status === 0, status: result.status, output };
}
