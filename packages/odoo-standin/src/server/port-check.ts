import { createServer } from "node:net";

/**
 * Fails early, with a message that says what to do, when a port is taken: in multi-process mode
 * the workers would otherwise each fail to listen and be restarted over and over.
 */
export function ensurePortFree(port: number, host: string, option: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `cannot listen on ${host}:${port} (${option}): ${error.code === "EADDRINUSE" ? "the port is already in use" : error.message}. ` +
            `Stop what uses it or choose another ${option}.`,
        ),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
