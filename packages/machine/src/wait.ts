/**
 * Explicit wait conditions: poll a named condition until it holds, and on timeout say what was
 * awaited and what was last seen. Never a bare sleep.
 */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, lastObservation: string) {
    super(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${description}; last seen: ${lastObservation}`);
    this.name = "WaitTimeoutError";
  }
}

/** `check` returns `{ done: true, value }` when the condition holds, or `{ done: false, observation }`. */
export type Check<T> = () => Promise<{ done: true; value: T } | { done: false; observation: string }>;

export async function waitFor<T>(description: string, check: Check<T>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  let observation = "nothing yet";
  for (;;) {
    try {
      const result = await check();
      if (result.done) return result.value;
      observation = result.observation;
    } catch (error) {
      observation = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(description, options.timeoutMs, observation);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
}
