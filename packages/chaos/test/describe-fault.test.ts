import { describe, expect, it } from "vitest";
import { describeFault } from "../src/index.ts";

describe("describeFault", () => {
  it.each([
    [{ kind: "kill-node", node: "postgresql1" }, "kill node postgresql1"],
    [{ kind: "partition", groups: [["lb1"], ["lb2"]] }, "partition [lb1] | [lb2]"],
    [{ kind: "partition", groups: [["lb1"], ["lb2", "odoo1"]], direction: "first-to-second" }, "partition [lb1] -> [lb2, odoo1] (one way)"],
    [{ kind: "kill-service", node: "lb1", service: "haproxy" }, "kill service haproxy on lb1"],
    [{ kind: "packet-loss", node: "lb1", probability: 0.3 }, "drop 30% of the packets of lb1"],
    [{ kind: "bandwidth", node: "postgresql2", rateKbit: 16 }, "throttle postgresql2 to 16 kbit/s (both)"],
    [{ kind: "fill-disk", node: "odoo1", path: "/run" }, "fill the disk of /run on odoo1 leaving 8 MiB free"],
    [{ kind: "cpu-hog", node: "odoo1", workers: 2, seconds: 30 }, "hog the CPU of odoo1 with 2 workers for at most 30 s"],
    [{ kind: "drain-app-node", node: "odoo1" }, "drain odoo1 in the load balancers"],
  ] as const)("%j → %s", (spec, text) => {
    expect(describeFault(spec as Parameters<typeof describeFault>[0])).toBe(text);
  });
});
