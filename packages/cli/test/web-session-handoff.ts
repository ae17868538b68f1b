/**
 * A logged-in web user whose requests land on alternate app nodes, as HAProxy's `balance roundrobin`
 * sends a browser's: the page (`GET /web`, which rewrites the session: a new Set-Cookie) from one
 * node, then a call of the page's own (`call_kw`) from the other, at once. With sessions as files on
 * the shared filestore the second node's FUSE client could still hold the replaced file: its read
 * failed with "Stale file handle" and the call answered 500 (19 of 20 pairs, before the lab's
 * session store).
 */
export async function alternateWebRequests(options: { nodes: [string, string]; database: string; password: string; pairs: number }): Promise<string[]> {
  const [first, second] = options.nodes;
  let sessionId: string | undefined;
  const failures: string[] = [];

  async function request(base: string, path: string, body?: object): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = body ? { "Content-Type": "application/json" } : {};
    if (sessionId) headers.Cookie = `session_id=${sessionId}`;
    const response = await fetch(`${base}${path}`, {
      method: body ? "POST" : "GET",
      headers,
      body: body && JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1, params: body }),
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    });
    const cookie = /(?:^|[;,]\s*)session_id=([^;,\s]+)/.exec(response.headers.get("set-cookie") ?? "");
    if (cookie) sessionId = cookie[1];
    return { status: response.status, text: await response.text() };
  }

  const login = await request(first, "/web/session/authenticate", { db: options.database, login: "admin", password: options.password });
  if (login.status !== 200 || !/"uid":\s*\d+/.test(login.text)) throw new Error(`login on ${first} failed: HTTP ${login.status} ${login.text.slice(0, 200)}`);
  for (let pair = 0; pair < options.pairs; pair++) {
    const page = await request(first, "/web");
    if (page.status !== 200) failures.push(`pair ${pair}: GET ${first}/web answered ${page.status}`);
    const call = await request(second, "/web/dataset/call_kw/res.users/read", { model: "res.users", method: "read", args: [[2], ["login"]], kwargs: {} });
    if (call.status !== 200 || !call.text.includes('"login"')) failures.push(`pair ${pair}: call_kw on ${second} answered ${call.status}: ${call.text.slice(0, 160)}`);
  }
  return failures;
}
