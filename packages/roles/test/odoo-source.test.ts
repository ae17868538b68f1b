import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { databaseProblem } from "../src/role-modules/odoo/converge.ts";
import { odooSourceArchive, OdooSourceError, readOdooSource } from "../src/role-modules/odoo/source.ts";

function checkout(layout: "top" | "nested" | "none"): string {
  const root = mkdtempSync(join(tmpdir(), "odoo-source-"));
  const top = layout === "nested" ? join(root, "odoo-17.0") : root;
  mkdirSync(join(top, "odoo", "__pycache__"), { recursive: true });
  writeFileSync(join(top, "odoo", "release.py"), "version = '17.0'\n");
  writeFileSync(join(top, "odoo", "__pycache__", "release.cpython-311.pyc"), "compiled");
  if (layout !== "none") writeFileSync(join(top, "odoo-bin"), "#!/usr/bin/env python3\n", { mode: 0o755 });
  return root;
}

describe("a local Odoo source", () => {
  it("is a checkout whose top, or one top folder, holds odoo-bin; build products are left out", () => {
    for (const layout of ["top", "nested"] as const) {
      const files = readOdooSource(checkout(layout));
      expect(files.map((file) => file.path).sort()).toEqual(["odoo-source/odoo-bin", "odoo-source/odoo/release.py"]);
      expect(files.find((file) => file.path === "odoo-source/odoo-bin")!.executable).toBe(true);
    }
  });

  it("is refused, naming the path and the fix, when it is not one", () => {
    const none = checkout("none");
    expect(() => readOdooSource(none)).toThrow(OdooSourceError);
    expect(() => readOdooSource(none)).toThrow(/has no odoo-bin[\s\S]*fix: give --odoo-source/);
    expect(() => readOdooSource(join(none, "missing.tar.xz"))).toThrow(/missing\.tar\.xz does not exist/);
    const notArchive = join(none, "odoo.zip");
    writeFileSync(notArchive, "PK");
    expect(() => readOdooSource(notArchive)).toThrow(/is a file but not a tar archive/);
  });

  it("travels to a machine as one tar archive with its decompression flag and digest", () => {
    const root = checkout("nested");
    const tarball = join(root, "odoo-17.0-src.tar.xz");
    writeFileSync(tarball, "not really xz");
    const archive = odooSourceArchive(tarball);
    expect(archive.decompress).toBe("-J");
    expect(archive.sha256).toMatch(/^[0-9a-f]{64}$/);
    const packed = odooSourceArchive(join(root, "odoo-17.0"));
    expect(packed.decompress).toBe("");
    expect(packed.bytes.toString("latin1")).toContain("./odoo-bin");
    expect(packed.bytes.toString("latin1")).not.toContain("pycache");
  });
});

describe("the lab database and the Odoo that serves it", () => {
  const lab = { name: "odoo-ha" };
  it("is fine when this Odoo series initialised it", () => {
    expect(databaseProblem({ state: "initialised", baseVersion: "17.0.1.3" }, "17.0", lab, "lab")).toBeUndefined();
  });

  it("is refused, with the way on, when another series or no Odoo made it", () => {
    expect(databaseProblem({ state: "initialised", baseVersion: "16.0.1.3" }, "17.0", lab, "tenant2")).toMatch(/database 'tenant2' was initialised by Odoo 16\.0[\s\S]*runs Odoo 17\.0[\s\S]*`pnpm lab down`/);
    expect(databaseProblem({ state: "not-odoo", detail: "it has no Odoo tables (ir_module_module)" }, "17.0", { ...lab, name: "chaos" }, "lab")).toMatch(
      /exists but this Odoo cannot serve it: it has no Odoo tables[\s\S]*`pnpm lab down --name chaos`/,
    );
  });
});
