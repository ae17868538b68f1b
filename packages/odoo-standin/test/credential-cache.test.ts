import { describe, expect, it } from "vitest";
import { CredentialCache } from "../src/rpc/auth.ts";

/** The per-process cache of (uid, password) checks, as concurrent requests on a cold worker use it. */
describe("CredentialCache", () => {
  const slowVerify = (answer: boolean, calls: { count: number }) => () => {
    calls.count++;
    return new Promise<boolean>((resolve) => setImmediate(() => resolve(answer)));
  };

  it("hashes once for all the requests that ask while the first check runs, then answers from the cache", async () => {
    const cache = new CredentialCache();
    const calls = { count: 0 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.verifyOnce(2, "secret", "$pbkdf2-sha512$stored", slowVerify(true, calls))));
    expect(answers).toEqual(Array(20).fill(true));
    expect(calls.count).toBe(1);
    expect(cache.has(2, "secret", "$pbkdf2-sha512$stored")).toBe(true);
    expect(await cache.verifyOnce(2, "secret", "$pbkdf2-sha512$stored", slowVerify(true, calls))).toBe(true);
    expect(calls.count).toBe(1);
  });

  it("caches no failure: a wrong password is checked again on the next request", async () => {
    const cache = new CredentialCache();
    const calls = { count: 0 };
    const answers = await Promise.all(Array.from({ length: 5 }, () => cache.verifyOnce(2, "wrong", "$pbkdf2-sha512$stored", slowVerify(false, calls))));
    expect(answers).toEqual(Array(5).fill(false));
    expect(calls.count).toBe(1);
    expect(await cache.verifyOnce(2, "wrong", "$pbkdf2-sha512$stored", slowVerify(false, calls))).toBe(false);
    expect(calls.count).toBe(2);
    expect(cache.has(2, "wrong", "$pbkdf2-sha512$stored")).toBe(false);
  });

  it("checks again once the stored hash changed (a password changed on another server)", async () => {
    const cache = new CredentialCache();
    const calls = { count: 0 };
    await cache.verifyOnce(2, "secret", "$old", slowVerify(true, calls));
    expect(await cache.verifyOnce(2, "secret", "$new", slowVerify(false, calls))).toBe(false);
    expect(calls.count).toBe(2);
  });
});
