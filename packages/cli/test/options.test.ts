import { afterEach, describe, expect, it } from "vitest";
import { parseRepeat } from "../src/commands/run.ts";
import { topologyOverrides } from "../src/options.ts";

describe("--repeat of run and gate", () => {
  it.each(["0", "-1", "abc", "", "2.5", "21", undefined])("refuses %j: a gate of no runs must not pass", (value) => {
    expect(() => parseRepeat(value)).toThrow(/--repeat .*: give a whole number of runs from 1 to 20/);
  });
  it.each([["1", 1], ["3", 3], ["20", 20]])("takes %s", (value, runs) => {
    expect(parseRepeat(value)).toBe(runs);
  });
});

describe("lab overrides from flags and environment", () => {
  afterEach(() => {
    delete process.env.LAB_NAME;
    delete process.env.LAB_SUBNET;
  });

  it("refuses an empty --name or --subnet instead of meaning the default lab", () => {
    expect(() => topologyOverrides({ name: "" })).toThrow(/--name is empty: give a lab name/);
    expect(() => topologyOverrides({ subnet: " " })).toThrow(/--subnet is empty/);
  });

  it("refuses an environment variable that is set but empty, naming it as one", () => {
    process.env.LAB_NAME = "";
    expect(() => topologyOverrides({})).toThrow(/the environment variable LAB_NAME is set but empty/);
    delete process.env.LAB_NAME;
    process.env.LAB_SUBNET = "";
    expect(() => topologyOverrides({})).toThrow(/LAB_SUBNET is set but empty/);
  });

  it("takes a flag over its variable, and leaves both unset to the topology", () => {
    process.env.LAB_NAME = "from-env";
    expect(topologyOverrides({ name: "from-flag" }).name).toBe("from-flag");
    expect(topologyOverrides({}).name).toBe("from-env");
    delete process.env.LAB_NAME;
    expect(topologyOverrides({}).name).toBeUndefined();
  });
});
