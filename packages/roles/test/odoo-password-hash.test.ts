import { describe, expect, it } from "vitest";
import { ODOO_PASSWORD_ROUNDS, odooPasswordHash } from "../src/role-modules/odoo/password-hash.ts";

describe("an Odoo password hash", () => {
  it("is passlib's pbkdf2_sha512 in its modular crypt format", async () => {
    // passlib 1.7.4 (the Odoo image's): pbkdf2_sha512.using(rounds=1000, salt=bytes(range(16))).hash("lab secret+/")
    const passlib = "$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw$a9dAt.1/2/zUzt6mJRYUMw/Y7z8gYuj0qJSlbwPzlyulCTQtjT3KwavlcZLnlAISn2Q6gOmou/riiQgkGdtGng";
    expect(await odooPasswordHash("lab secret+/", { rounds: 1000, salt: Buffer.from([...Array(16).keys()]) })).toBe(passlib);
  });

  it("takes Odoo's floor of rounds and a new salt each time", async () => {
    const [first, second] = await Promise.all([odooPasswordHash("same"), odooPasswordHash("same")]);
    expect(first.split("$").slice(0, 3)).toEqual(["", "pbkdf2-sha512", String(ODOO_PASSWORD_ROUNDS)]);
    expect(ODOO_PASSWORD_ROUNDS).toBe(600_000);
    expect(first).not.toBe(second);
  });
});
