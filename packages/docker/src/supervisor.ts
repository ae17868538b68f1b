import type { ServiceDefinition, ServiceManager, ServiceState } from "@odoo-ha-lab/machine";
import { HostCommandError, shellCommand, type Host } from "@odoo-ha-lab/machine";

/**
 * Services in a container are supervisord programs (there is no systemd in a container). One
 * program file per service; `supervisorctl update` starts what is new and restarts what changed.
 */
export class SupervisorServices implements ServiceManager {
  constructor(private readonly host: Host) {}

  async apply(service: ServiceDefinition): Promise<boolean> {
    const changed = await this.host.writeFile({ path: programPath(service.name), content: renderProgram(service), mode: 0o644 });
    if (!changed) {
      // Defined already; make sure it runs (e.g. after a manual stop).
      if ((await this.state(service.name)) !== "running") await this.start(service.name);
      return false;
    }
    // `update` rereads the program files itself: a separate `reread` was one more Python start (~0.3 s).
    await this.ctl(["update", service.name]);
    await this.waitStarted(service.name);
    return true;
  }

  async start(name: string): Promise<void> {
    await this.ctl(["start", name], [0, 7]);
    await this.waitStarted(name);
  }

  async stop(name: string): Promise<void> {
    await this.ctl(["stop", name]);
  }

  async restart(name: string): Promise<void> {
    await this.ctl(["restart", name], [0, 7]);
    await this.waitStarted(name);
  }

  async kill(name: string): Promise<void> {
    const result = await this.host.exec(["sh", "-c", KILL_PROGRAM_PROCESSES, "sh", name]);
    if (result.exitCode !== 0) throw new Error(`on ${this.host.node}: cannot kill service ${name}: ${(result.stderr || result.stdout).trim()}`);
  }

  async reload(name: string, signal: "HUP" | "USR2"): Promise<void> {
    await this.ctl(["signal", signal, name]);
  }

  async state(name: string): Promise<ServiceState> {
    return (await this.states([name]))[0]!;
  }

  /**
   * All of them in one question to supervisord's own XML-RPC socket: curl answers in ~10 ms of CPU,
   * where each `supervisorctl` is a Python start (~0.13 s; `lab status` asked 15 of them at once).
   */
  async states(names: string[]): Promise<ServiceState[]> {
    if (names.length === 0) return [];
    const result = await this.host.exec(ALL_PROCESS_INFO);
    if (result.exitCode === 0) {
      const states = parseAllProcessInfo(result.stdout);
      return names.map((name) => supervisorState(states.get(name) ?? ""));
    }
    // The socket did not answer (supervisord starting, say): supervisorctl says why in its own words.
    const lines = (await this.host.exec(["supervisorctl", "status", ...names])).stdout.split("\n");
    return names.map((name) => parseSupervisorState(lines.find((line) => line.split(/\s+/)[0] === name) ?? ""));
  }

  async logs(name: string, lines: number): Promise<string> {
    const result = await this.host.exec(["tail", "-n", String(lines), `/var/log/lab/${name}.log`]);
    return result.stdout;
  }

  /**
   * "Started" means supervisord reports RUNNING (alive past startsecs), not just spawned. The node
   * asks supervisord itself until then, in one exec: asked from here every 200 ms, a start cost
   * ~6 execs (~70 ms of CPU each on this engine).
   */
  private async waitStarted(name: string): Promise<void> {
    const timeoutSeconds = 60;
    const ask = supervisorRpc("supervisor.getProcessInfo", name);
    const result = await this.host.exec(["sh", "-c", WAIT_UNTIL_STARTED, "sh", String(timeoutSeconds), ...ask], { timeoutMs: (timeoutSeconds + 10) * 1000 });
    const state = supervisorState(result.stdout.trim());
    if (state === "running") return;
    const why = state === "failed" ? "failed to start" : `did not run within ${timeoutSeconds} s (${result.stdout.trim() || result.stderr.trim() || "no answer from supervisord"})`;
    throw new Error(`on ${this.host.node}: service ${name} ${why}. Last log lines:\n${await this.logs(name, 20)}`);
  }

  /** supervisorctl exits non-zero for "already started" (7 in some versions); callers list what is fine. */
  private async ctl(args: string[], okCodes: number[] = [0]): Promise<void> {
    const command = ["supervisorctl", ...args];
    const result = await this.host.exec(command);
    const benign = /already started|ERROR \(already started\)/.test(result.stdout);
    if (!okCodes.includes(result.exitCode) && !benign) throw new HostCommandError(this.host.node, command, result);
  }
}

/**
 * supervisord puts SUPERVISOR_PROCESS_NAME=<program> into the environment of what it starts, and
 * children inherit it, also those that leave the process tree (Patroni's postmaster runs in a session
 * of its own): it marks a program's processes as a control group marks a systemd unit's. Reading
 * another user's environ needs CAP_SYS_PTRACE, which containers lack, so each is read as its owner.
 * Descendants of marked processes go too: PostgreSQL overwrites its backends' environment with their titles.
 */
const KILL_PROGRAM_PROCESSES = `marked=""
for d in /proc/[0-9]*; do
  owner=$(stat -c '%u %g' "$d" 2>/dev/null) || continue
  if setpriv --reuid="\${owner% *}" --regid="\${owner#* }" --clear-groups grep -qzxF "SUPERVISOR_PROCESS_NAME=$1" "$d/environ" 2>/dev/null; then
    marked="$marked \${d#/proc/}"
  fi
done
[ -n "$marked" ] || { echo "no process of $1 runs ($(supervisorctl status "$1"))" >&2; exit 3; }
all=$(ps -e -o pid=,ppid= | awk -v marked="$marked" '
  BEGIN { n = split(marked, m, " "); for (i = 1; i <= n; i++) kill[m[i]] = 1 }
  { parent[$1] = $2 }
  END {
    do { grown = 0; for (p in parent) if (!(p in kill) && (parent[p] in kill)) { kill[p] = 1; grown = 1 } } while (grown)
    for (p in kill) printf "%s ", p
  }')
# A process may end between the scan and the kill: that is not a failure.
kill -KILL $all 2>/dev/null || true`;

function programPath(name: string): string {
  return `/etc/supervisor/conf.d/${name}.conf`;
}

/**
 * The program with /dev/null as its stdin, as systemd gives a service (StandardInput=null), while the
 * program keeps supervisord's stdin pipe open on fd 9, unread.
 *
 * /dev/null: supervisord gives each program a pipe for stdin and keeps its write end open, and
 * PostgreSQL's processes inherit it from Patroni: a backend whose commit was waiting for the
 * synchronous standby when its postmaster died stops answering its client (syncrep.c sets
 * whereToSendOutput = DestNone) and then reads its next command from stdin. On /dev/null it reads
 * end-of-file and exits; on supervisord's pipe it waited for ever, holding the shared memory, and
 * PostgreSQL could not start again on that node ("pre-existing shared memory block is still in use";
 * crash-postgres-primary).
 *
 * fd 9: with the pipe's read end closed, its write end in supervisord reports POLLERR, and
 * supervisord 4.2.5 can be left polling that write end as a readable one (an fd number it had
 * registered for a closed supervisorctl connection, reused by the new pipe before its next poll):
 * POLLERR is neither in its read nor its write mask, so every poll returned at once and supervisord
 * spun on one of the two cores (lb2's, 28 s of CPU during one `lab up`). A program's children do
 * not need the pipe: Python's subprocess and Go's os/exec pass no fd 9 on.
 */
function withStdinFromDevNull(command: readonly string[]): string[] {
  return ["/bin/sh", "-c", 'exec "$@" 9<&0 < /dev/null', "lab-service", ...command];
}

export function renderProgram(service: ServiceDefinition): string {
  const environment = Object.entries(service.environment ?? {})
    .map(([key, value]) => `${key}="${value.replace(/"/g, '\\"')}"`)
    .join(",");
  return [
    `[program:${service.name}]`,
    // supervisord expands %(...)s in these values: a literal % is written %%.
    `command=${shellCommand(withStdinFromDevNull(service.command)).replace(/%/g, "%%")}`,
    ...(service.user ? [`user=${service.user}`] : []),
    ...(environment ? [`environment=${environment.replace(/%/g, "%%")}`] : []),
    `directory=${service.directory ?? "/"}`,
    "autostart=true",
    // Services come back by themselves after a crash or a container restart, as under systemd.
    "autorestart=true",
    "startsecs=1",
    "startretries=100000",
    `stopsignal=${service.stopSignal ?? "TERM"}`,
    `stopwaitsecs=${service.stopTimeoutSeconds ?? 10}`,
    `stopasgroup=${service.stopsItsChildren ? "false" : "true"}`,
    "killasgroup=true",
    "redirect_stderr=true",
    `stdout_logfile=/var/log/lab/${service.name}.log`,
    "stdout_logfile_maxbytes=20MB",
    "stdout_logfile_backups=2",
    "",
  ].join("\n");
}

/** A call to supervisord's XML-RPC interface, on its socket (what supervisorctl speaks), with string parameters. */
function supervisorRpc(method: string, ...params: string[]): string[] {
  const values = params.map((param) => `<param><value><string>${param}</string></value></param>`).join("");
  const body = `<?xml version='1.0'?><methodCall><methodName>${method}</methodName><params>${values}</params></methodCall>`;
  return ["curl", "-sf", "--max-time", "5", "--unix-socket", "/run/supervisor.sock", "-H", "Content-Type: text/xml", "-d", body, "http://localhost/RPC2"];
}

const ALL_PROCESS_INFO = supervisorRpc("supervisor.getAllProcessInfo");

/**
 * Runs the supervisord call in "$2…" (getProcessInfo of one program) until the program is RUNNING or
 * FATAL, or for $1 seconds, and prints the last state name. (The answer is one XML member per
 * field; statename's value is the state.)
 */
const WAIT_UNTIL_STARTED = `end=$(( $(date +%s) + $1 ))
shift
while :; do
  state=$("$@" | tr -d '\\n' | sed -n 's|.*<name>statename</name>[^<]*<value><string>\\([A-Z]*\\)</string>.*|\\1|p')
  case "$state" in RUNNING|FATAL) break ;; esac
  [ "$(date +%s)" -lt "$end" ] || break
  sleep 0.2
done
echo "$state"`;
/** supervisord's own state: `<string>RUNNING</string>` once it serves. */
export const SUPERVISOR_STATE = supervisorRpc("supervisor.getState");

/** supervisord's getAllProcessInfo answer: each program's name and state name (RUNNING, STOPPED, …). */
export function parseAllProcessInfo(xml: string): Map<string, string> {
  const member = (struct: string, field: string) => new RegExp(`<name>${field}</name>\\s*<value>(?:<string>)?([^<]*)`).exec(struct)?.[1];
  const states = new Map<string, string>();
  for (const struct of xml.split("<struct>").slice(1)) {
    const name = member(struct, "name");
    const state = member(struct, "statename");
    if (name !== undefined && state !== undefined) states.set(name, state);
  }
  return states;
}

export function parseSupervisorState(statusLine: string): ServiceState {
  return supervisorState(statusLine.trim().split(/\s+/)[1] ?? "");
}

function supervisorState(state: string): ServiceState {
  switch (state) {
    case "RUNNING":
      return "running";
    case "STARTING":
    case "BACKOFF":
      return "starting";
    case "STOPPED":
    case "STOPPING":
    case "EXITED":
      return "stopped";
    case "FATAL":
      return "failed";
    default:
      return "unknown";
  }
}
