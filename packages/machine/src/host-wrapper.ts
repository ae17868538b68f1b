import { writeFilesOf, type ExecOptions, type ExecResult, type FileSpec, type Host, type RunningCommand, type ServiceManager } from "./host.ts";

/**
 * A Host that passes every call to another: the base of the hosts that add one thing to a node
 * (RecordingHost records what changed, a run's WatchedHost answers from its watch). A subclass
 * overrides only what it adds.
 */
export class HostWrapper implements Host {
  constructor(readonly inner: Host) {}

  get node(): string {
    return this.inner.node;
  }

  get interfaceName(): string {
    return this.inner.interfaceName;
  }

  get silentAfterMs(): number {
    return this.inner.silentAfterMs;
  }

  get services(): ServiceManager {
    return this.inner.services;
  }

  get spawn(): ((command: string[], onStdout: (text: string) => void) => Promise<RunningCommand>) | undefined {
    return this.inner.spawn?.bind(this.inner);
  }

  exec(command: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.inner.exec(command, options);
  }

  readFile(path: string): Promise<string | undefined> {
    return this.inner.readFile(path);
  }

  writeFile(file: FileSpec): Promise<boolean> {
    return this.inner.writeFile(file);
  }

  writeFiles(files: FileSpec[]): Promise<boolean[]> {
    return writeFilesOf(this.inner, files);
  }
}
