import { describe, expect, it } from "vitest";
import { InterruptCounter, SAME_KEYPRESS_MS } from "../src/interrupts.ts";

function counterAt(times: number[]) {
  let index = 0;
  const counter = new InterruptCounter(() => times[index++]!);
  return times.map(() => counter.record());
}

describe("InterruptCounter", () => {
  it("counts a signal and its echo from pnpm as one press", () => {
    expect(counterAt([10_000, 10_002])).toEqual(["first", "echo"]);
  });

  it("counts a later signal as a second press", () => {
    expect(counterAt([10_000, 10_000 + SAME_KEYPRESS_MS + 1])).toEqual(["first", "again"]);
  });

  it("drops the echo of a second press too", () => {
    expect(counterAt([10_000, 10_001, 13_000, 13_004])).toEqual(["first", "echo", "again", "echo"]);
  });

  it("measures an echo from the signal just before it, not from the first press", () => {
    // A held-down key repeats faster than the window: every repeat is an echo of the one before.
    expect(counterAt([10_000, 10_600, 11_200, 11_800])).toEqual(["first", "echo", "echo", "echo"]);
  });
});
