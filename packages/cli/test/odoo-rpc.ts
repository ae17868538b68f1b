/** Odoo's external JSON-RPC API, as a user's script speaks it. */
export async function odooCall<T>(baseUrl: string, service: string, method: string, args: unknown[]): Promise<T> {
  const response = await fetch(`${baseUrl}/jsonrpc`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: Date.now(), params: { service, method, args } }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { result?: T; error?: { data?: { message?: string } } };
  if (body.error) throw new Error(`Odoo error from ${baseUrl}: ${body.error.data?.message ?? JSON.stringify(body.error)}`);
  return body.result as T;
}
