import { findNode, type Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import { PORTS } from "./render/paths.ts";

/** How many warm-up rounds (one of each kind of request) answered, and how many did not. */
export interface WarmUpOutcome {
  ok: number;
  failed: number;
}

/**
 * Each worker of a (re)started app node serves users' first requests of every kind before users
 * send them, as an operator warms a node before putting it in front of users: a fresh Odoo worker
 * builds its routing map, loads its templates and fills its caches (access rules, the password and
 * session checks) on its first request of each kind. Measured on this machine: the first requests a
 * cold node got through the balancer took 2.5 s to over 3 s (client timeouts) under the scenarios'
 * load, and with only the login page warmed a restarted node's first web-session calls still timed out.
 * With a user's credentials each round asks for the login page, makes a web-client call in a session
 * logged in once for all clients, and makes an external-API call (each worker checks the password
 * once); without them it asks for the login page only.
 * Best effort: the outcome says how many rounds answered; nothing throws.
 */
export async function warmOdooNode(host: Host, topology: Topology, user?: { login: string; password: string }): Promise<WarmUpOutcome> {
  const job = {
    url: `http://127.0.0.1:${PORTS.odooHttp}`,
    host: topology.vip.address,
    db: topology.odoo.database,
    ...user,
    // As many concurrent clients as the node has workers, so that each worker gets requests of every kind.
    clients: Math.max(1, findNode(topology, host.node).odoo?.workers ?? 1),
    rounds: 3,
  };
  // The job (with the password) goes on stdin, so it stays out of the node's process list.
  const result = await host.exec(["python3", "-c", WARM_UP_SCRIPT], { stdin: JSON.stringify(job), timeoutMs: 120_000 }).catch(() => undefined);
  try {
    return JSON.parse(result?.stdout ?? "") as WarmUpOutcome;
  } catch {
    return { ok: 0, failed: job.clients * job.rounds };
  }
}

const WARM_UP_SCRIPT = [
  "import json, sys, threading, urllib.request",
  "job = json.load(sys.stdin)",
  "lock = threading.Lock()",
  "def get(path):",
  "    urllib.request.urlopen(urllib.request.Request(job['url'] + path, headers={'Host': job['host']}), timeout=30).read()",
  "def rpc(path, params, cookie=None):",
  "    headers = {'Content-Type': 'application/json', 'Host': job['host'], **({'Cookie': cookie} if cookie else {})}",
  "    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': params}).encode()",
  "    with urllib.request.urlopen(urllib.request.Request(job['url'] + path, body, headers), timeout=30) as answer:",
  "        reply, cookie = json.load(answer), answer.headers.get('Set-Cookie', '').split(';')[0] or cookie",
  "    if 'error' in reply: raise RuntimeError(reply['error'])",
  "    return reply['result'], cookie",
  "done = {'ok': 0, 'failed': 0}",
  // One web login shared by the clients: each login is a password hash (~0.4 s of CPU), and a
  // session in the database serves every worker, so more logins would warm nothing more.
  "session = {}",
  "def client():",
  "    for _ in range(job['rounds']):",
  "        try:",
  "            get('/web/login')",
  "            if 'login' not in job: done['ok'] += 1; continue",
  "            with lock:",
  "                if not session:",
  "                    info, session['cookie'] = rpc('/web/session/authenticate', {'db': job['db'], 'login': job['login'], 'password': job['password']})",
  "                    session['uid'] = info['uid']",
  "            cookie, uid = session['cookie'], session['uid']",
  "            rpc('/web/dataset/call_kw/res.partner/search_count', {'model': 'res.partner', 'method': 'search_count', 'args': [[]], 'kwargs': {}}, cookie)",
  "            rpc('/jsonrpc', {'service': 'object', 'method': 'execute_kw', 'args': [job['db'], uid, job['password'], 'res.partner', 'search_count', [[]]]})",
  "            done['ok'] += 1",
  "        except Exception:",
  "            done['failed'] += 1",
  "threads = [threading.Thread(target=client) for _ in range(job['clients'])]",
  "for thread in threads: thread.start()",
  "for thread in threads: thread.join()",
  "print(json.dumps(done))",
].join("\n");

