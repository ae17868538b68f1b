// Bundles the stand-in into one file, dist/odoo.cjs, that Debian 12's Node 18 runs with no
// node_modules: the lab image wraps it as /usr/bin/odoo.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${root}dist/odoo.cjs`,
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  sourcemap: false,
  legalComments: "none",
  // Optional native add-ons that pg and ws load only when installed; the bundle runs without them.
  external: ["pg-native", "bufferutil", "utf-8-validate"],
  banner: { js: "#!/usr/bin/env node\n// odoo-ha-lab Odoo stand-in (bundled; sources in packages/odoo-standin/src)" },
  logLevel: "warning",
});
