import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
// tsx as a loader in the same process, as `pnpm lab` runs it: the `tsx` command would wrap the CLI in a
// second process that SIGKILLs it when it does not acknowledge a signal within 30 ms.
const NODE_ARGS = ["--import", "tsx", MAIN];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `lab` command as a user would, in a lab of its own (name and subnet from `env`).
 * `onStderr` sees the progress so far as it grows, and the process (to signal it as a user would).
 */
export function runLab(args: string[], env: Record<string, string>, onStderr?: (stderrSoFar: string, child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env.LAB_TEST_VERBOSE) process.stderr.write(chunk);
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
