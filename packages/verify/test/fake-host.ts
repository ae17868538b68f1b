import type { ExecResult, Host, ServiceManager } from "@odoo-ha-lab/roles";

/** A Host whose commands are answered by a function: probes are tested without any machine. */
export class FakeHost implements Host {
  readonly interfaceName = "eth0";
  readonly silentAfterMs = 1_000;
  readonly commands: string[][] = [];

  constructor(
    readonly node: string,
    private readonly answer: (command: string[]) => Promise<ExecResult> | ExecResult,
  ) {}

  async exec(command: string[]): Promise<ExecResult> {
    this.commands.push(command);
    return this.answer(command);
  }

  async writeFile(): Promise<boolean> {
    throw new Error("not used by probes");
  }

  async readFile(): Promise<string | undefined> {
    return undefined;
  }

  get services(): ServiceManager {
    throw new Error("not used by probes");
  }
}

export const ok = (stdout = ""): ExecResult => ({ exitCode: 0, stdout, stderr: "" });
export const failed = (exitCode = 1): ExecResult => ({ exitCode, stdout: "", stderr: "" });
