import { isDeepStrictEqual } from "node:util";
import type { ExecOptions, ExecResult, FileSpec, Host, RunningCommand, ServiceManager } from "@odoo-ha-lab/machine";
import type { NodeWatch } from "./node-watch.ts";

/**
 * A node as a run's method sees it while the run's watch samples it: a command that is one of the
 * watch's checks (the VIP's addresses, Patroni's cluster, the filestore's) is answered by the next
 * sample the watch completes after the call, as an exec made then would answer it; anything else goes
 * to the node. A scenario's waits (`until: vip-held`, the recovery's single primary) ask the same
 * questions every half second; one `docker exec` each cost ~180 ms of dockerd, containerd and runc
 * CPU on these machines, most of a core while a fault was being waited out.
 */
export class WatchedHost implements Host {
  constructor(
    private readonly host: Host,
    private readonly watch: NodeWatch,
  ) {}

  get node(): string {
    return this.host.node;
  }

  get interfaceName(): string {
    return this.host.interfaceName;
  }

  get silentAfterMs(): number {
    return this.host.silentAfterMs;
  }

  get services(): ServiceManager {
    return this.host.services;
  }

  get spawn(): ((command: string[], onStdout: (text: string) => void) => Promise<RunningCommand>) | undefined {
    return this.host.spawn?.bind(this.host);
  }

  async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const check = options.stdin === undefined && options.env === undefined && (options.user ?? "root") === "root" ? this.watch.checks.find((candidate) => isDeepStrictEqual(candidate.command, command)) : undefined;
    if (check) {
      const answer = (await this.watch.next(options.timeoutMs))?.get(check.name);
      if (answer) return { exitCode: answer.exitCode, stdout: answer.stdout, stderr: "" };
    }
    return this.host.exec(command, options);
  }

  get writeFiles(): ((files: FileSpec[]) => Promise<boolean[]>) | undefined {
    return this.host.writeFiles?.bind(this.host);
  }

  writeFile(file: FileSpec): Promise<boolean> {
    return this.host.writeFile(file);
  }

  readFile(path: string): Promise<string | undefined> {
    return this.host.readFile(path);
  }
}
