import { isDeepStrictEqual } from "node:util";
import { HostWrapper, type ExecOptions, type ExecResult, type Host } from "@odoo-ha-lab/machine";
import type { NodeWatch } from "./node-watch.ts";

/**
 * A node as a run's method sees it while the run's watch samples it: a command that is one of the
 * watch's checks, asked as the watch asks it (the VIP's addresses, Patroni's cluster; the steady
 * states' filestore checks have a longer bound than the watch's, so they still go to the node) is answered by the next
 * sample the watch completes after the call, as an exec made then would answer it; anything else goes
 * to the node. A scenario's waits (`until: vip-held`, the recovery's single primary) ask the same
 * questions every half second; one `docker exec` each cost ~180 ms of dockerd, containerd and runc
 * CPU on these machines, most of a core while a fault was being waited out.
 */
export class WatchedHost extends HostWrapper {
  constructor(
    inner: Host,
    private readonly watch: NodeWatch,
  ) {
    super(inner);
  }

  override async exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const check = options.stdin === undefined && options.env === undefined && (options.user ?? "root") === "root" ? this.watch.checks.find((candidate) => isDeepStrictEqual(candidate.command, command)) : undefined;
    if (check) {
      const answer = (await this.watch.next(options.timeoutMs))?.get(check.name);
      if (answer) return { exitCode: answer.exitCode, stdout: answer.stdout, stderr: "" };
    }
    return this.inner.exec(command, options);
  }
}
