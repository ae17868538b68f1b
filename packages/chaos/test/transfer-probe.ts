import type { Host } from "@odoo-ha-lab/machine";

/**
 * Times a TCP transfer between two lab nodes with python3 (in every node image): one node serves,
 * the other connects and measures from the first byte to the end. `upload`: the client sends and
 * the server receives; `download`: the server sends. Returns seconds.
 */
const SERVER = `
import socket, sys
mode, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
if mode == "download":
    c.sendall(b"\\0" * size)
else:
    while c.recv(65536):
        pass
c.close()
`;

const CLIENT = `
import socket, sys, time
mode, host, port, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
deadline = time.time() + 10
while True:  # the server starts in a parallel exec: connect as soon as it listens
    try:
        c = socket.create_connection((host, port), timeout=2)
        break
    except OSError:
        if time.time() > deadline:
            raise
        time.sleep(0.05)
c.settimeout(60)
start = time.time()
if mode == "upload":
    c.sendall(b"\\0" * size)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):  # the server closes once it has read everything
        pass
else:
    received = 0
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        received += len(chunk)
    assert received == size, received
print("%.3f" % (time.time() - start))
`;

export async function timeTransfer(server: Host, serverAddress: string, client: Host, mode: "upload" | "download", bytes: number, port = 18765): Promise<number> {
  const serving = server.exec(["python3", "-c", SERVER, mode, String(port), String(bytes)], { timeoutMs: 90_000 });
  const measured = await client.exec(["python3", "-c", CLIENT, mode, serverAddress, String(port), String(bytes)], { timeoutMs: 90_000 });
  const served = await serving;
  if (measured.exitCode !== 0 || served.exitCode !== 0) {
    throw new Error(`transfer ${mode} ${client.node} <-> ${server.node} failed: client ${measured.exitCode} ${measured.stderr.trim()}; server ${served.exitCode} ${served.stderr.trim()}`);
  }
  return Number(measured.stdout.trim());
}
