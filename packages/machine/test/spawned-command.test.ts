import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PidThenOutput, pidReportingCommand } from "../src/spawned-command.ts";

describe("pidReportingCommand and PidThenOutput", () => {
  it("reports the command's own pid first (exec keeps it), then hands over only the command's output", () => {
    const [file, ...args] = pidReportingCommand(["sh", "-c", 'echo "mine $$"; echo second line']);
    const raw = execFileSync(file!, args, { encoding: "utf8" });
    const received: string[] = [];
    const output = new PidThenOutput((text) => received.push(text));
    // Chunks as a stream cuts them: the pid line split in two, the rest in one.
    const newline = raw.indexOf("\n");
    output.write(raw.slice(0, 2));
    expect(output.pid).toBeUndefined();
    output.write(raw.slice(2));
    expect(output.pid).toMatch(/^\d+$/);
    expect(received.join("")).toBe(`mine ${output.pid}\nsecond line\n`);
    expect(raw.slice(0, newline)).toBe(output.pid);
  });

  it("has no pid when the first line is not one", () => {
    const output = new PidThenOutput(() => undefined);
    output.write("sh: cannot run\n");
    expect(output.pid).toBeUndefined();
  });
});
