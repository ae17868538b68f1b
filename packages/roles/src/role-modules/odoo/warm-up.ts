import { findNode, type Topology } from "@odoo-ha-lab/topology";
import { waitFor, type Host } from "@odoo-ha-lab/machine";
import { PORTS } from "../../render/paths.ts";
import { odooServerHealth } from "./probe.ts";

/** How the warm-up went: rounds of requests sent, whether the last found every worker warm. */
export interface WarmUpOutcome {
  rounds: number;
  warm: boolean;
  failed: number;
  /** The slowest answer of each round, in seconds. */
  slowest: number[];
}

/**
 * A warm worker answers each kind of request in ~0.02 s here; a cold one takes 0.06 s (a web-client
 * call) to 1 s (an external-API call: its first password check, 600,000 PBKDF2 rounds), so a round
 * whose every answer came under this found no cold worker.
 */
const WARM_SECONDS = 0.2;

/**
 * Each worker of a (re)started app node serves users' first requests of every kind before users
 * send them, as an operator warms a node before putting it in front of users: a fresh Odoo worker
 * loads its templates and fills its caches (the external API's password check, the session checks)
 * on its first request of each kind. Measured: the first requests a cold node got through the
 * balancer took 2.5 s to over 3 s (client timeouts) under the scenarios' load.
 *
 * A round sends one wave per kind of request, as many at once as the node has workers. Each worker
 * takes one connection at a time, and a cold worker is busy far longer than the wave takes to
 * arrive, so one wave reaches every worker; the warm-up ends with the first round that finds every
 * worker warm (the second, measured: 2.5 s then 0.05 s), instead of a fixed number of rounds.
 * With a user's credentials the kinds are an external-API call, the login page and a web-client
 * call in one session (one login per node: each is a password hash); without, the login page only.
 * Best effort: the outcome says what the rounds found; nothing throws.
 */
export async function warmOdooNode(host: Host, topology: Topology, user?: { login: string; password: string }): Promise<WarmUpOutcome> {
  const job = {
    url: `http://127.0.0.1:${PORTS.odooHttp}`,
    host: topology.vip.address,
    db: topology.odoo.database,
    ...user,
    clients: Math.max(1, findNode(topology, host.node).odoo?.workers ?? 1),
    maxRounds: 3,
    warmSeconds: WARM_SECONDS,
  };
  // The job (with the password) goes on stdin, so it stays out of the node's process list.
  const result = await host.exec(["python3", "-c", WARM_UP_SCRIPT], { stdin: JSON.stringify(job), timeoutMs: 120_000 }).catch(() => undefined);
  try {
    return JSON.parse(result?.stdout ?? "") as WarmUpOutcome;
  } catch {
    return { rounds: 0, warm: false, failed: 1, slowest: [] };
  }
}

/** Until Odoo on the node answers its health check on its own port (a started Odoo takes seconds to). */
export async function waitForOdooHealth(host: Host, timeoutMs: number): Promise<void> {
  await waitFor(`Odoo on ${host.node} to answer /web/health`, async () => {
    const { healthy, detail } = await odooServerHealth(host.node, host);
    return healthy ? { done: true, value: undefined } : { done: false, observation: detail };
  }, { timeoutMs, intervalMs: 500 });
}

/** What a warm-up found, for a progress line. */
export function describeWarmUp(outcome: WarmUpOutcome): string {
  const slowest = outcome.slowest.map((seconds) => `${seconds.toFixed(2)} s`).join(", ");
  if (outcome.rounds === 0) return "warm-up did not run (no answer from the node)";
  return `${outcome.warm ? "workers warm" : "workers not all warm"} after ${outcome.rounds} round(s) (slowest answer per round: ${slowest}${outcome.failed ? `; ${outcome.failed} request(s) failed` : ""})`;
}

const WARM_UP_SCRIPT = [
  "import json, sys, threading, time, urllib.request",
  "job = json.load(sys.stdin)",
  "def get(path):",
  "    urllib.request.urlopen(urllib.request.Request(job['url'] + path, headers={'Host': job['host']}), timeout=30).read()",
  "def rpc(path, params, cookie=None):",
  "    headers = {'Content-Type': 'application/json', 'Host': job['host'], **({'Cookie': cookie} if cookie else {})}",
  "    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': params}).encode()",
  "    with urllib.request.urlopen(urllib.request.Request(job['url'] + path, body, headers), timeout=30) as answer:",
  "        reply, cookie = json.load(answer), answer.headers.get('Set-Cookie', '').split(';')[0] or cookie",
  "    if 'error' in reply: raise RuntimeError(reply['error'])",
  "    return reply['result'], cookie",
  "session = {}",
  "def external_call():",
  "    rpc('/jsonrpc', {'service': 'object', 'method': 'execute_kw', 'args': [job['db'], session['uid'], job['password'], 'res.partner', 'search_count', [[]]]})",
  "def login_page():",
  "    get('/web/login')",
  "def web_call():",
  "    rpc('/web/dataset/call_kw/res.partner/search_count', {'model': 'res.partner', 'method': 'search_count', 'args': [[]], 'kwargs': {}}, session['cookie'])",
  "def wave(request):",
  "    seconds, failed = [], []",
  "    def client():",
  "        started = time.monotonic()",
  "        try:",
  "            request()",
  "            seconds.append(time.monotonic() - started)",
  "        except Exception:",
  "            failed.append(1)",
  "    threads = [threading.Thread(target=client) for _ in range(job['clients'])]",
  "    for thread in threads: thread.start()",
  "    for thread in threads: thread.join()",
  "    return max(seconds, default=0.0), len(failed)",
  "kinds = [login_page]",
  "if 'login' in job:",
  "    info, session['cookie'] = rpc('/web/session/authenticate', {'db': job['db'], 'login': job['login'], 'password': job['password']})",
  "    session['uid'] = info['uid']",
  "    kinds = [external_call, login_page, web_call]",
  "outcome = {'rounds': 0, 'warm': False, 'failed': 0, 'slowest': []}",
  "while outcome['rounds'] < job['maxRounds'] and not outcome['warm']:",
  "    waves = [wave(kind) for kind in kinds]",
  "    outcome['rounds'] += 1",
  "    outcome['failed'] += sum(failed for _, failed in waves)",
  "    outcome['slowest'].append(round(max(slowest for slowest, _ in waves), 3))",
  "    outcome['warm'] = all(failed == 0 and slowest < job['warmSeconds'] for slowest, failed in waves)",
  "print(json.dumps(outcome))",
].join("\n");
