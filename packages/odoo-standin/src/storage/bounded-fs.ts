import { fileSystemTimeout } from "./os-errors.ts";

/**
 * Runs one file-system call on data_dir with a deadline. A hung FUSE mount (a paused GlusterFS
 * brick) would otherwise hold the request until the mount's own timeout; Node cannot cancel the
 * call, but the request answers with an error (ETIMEDOUT) instead of hanging.
 */
export function withDeadline<T>(operation: Promise<T>, path: string, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fileSystemTimeout(path, milliseconds)), milliseconds);
    timer.unref();
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}
