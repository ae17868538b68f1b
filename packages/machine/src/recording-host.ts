import { serviceStatesOf, writeFilesOf, type FileSpec, type Host, type ServiceDefinition, type ServiceManager, type ServiceState } from "./host.ts";
import { HostWrapper } from "./host-wrapper.ts";

/** What converging changed on one node: the files written and the service actions taken. */
export interface NodeChanges {
  files: string[];
  /** "started X", "restarted X", "reloaded X". */
  services: string[];
}

/**
 * A Host that records what it changed, for "changed N files, M services / unchanged" per node.
 * It records, it does not decide: every call goes to the real host unchanged.
 */
export class RecordingHost extends HostWrapper {
  readonly changes: NodeChanges = { files: [], services: [] };
  private readonly recordingServices: ServiceManager;

  constructor(inner: Host) {
    super(inner);
    const record = (action: string) => this.changes.services.push(action);
    const services = inner.services;
    this.recordingServices = {
      apply: async (service: ServiceDefinition) => {
        const changed = await services.apply(service);
        if (changed) record(`applied ${service.name}`);
        return changed;
      },
      start: (name: string) => services.start(name),
      stop: (name: string) => services.stop(name),
      restart: async (name: string) => {
        await services.restart(name);
        record(`restarted ${name}`);
      },
      reload: async (name: string, signal: "HUP" | "USR2") => {
        await services.reload(name, signal);
        record(`reloaded ${name}`);
      },
      kill: (name: string) => services.kill(name),
      state: (name: string): Promise<ServiceState> => services.state(name),
      states: (names: string[]): Promise<ServiceState[]> => serviceStatesOf(services, names),
      logs: (name: string, lines: number) => services.logs(name, lines),
    };
  }

  override get services(): ServiceManager {
    return this.recordingServices;
  }

  override async writeFile(file: FileSpec): Promise<boolean> {
    const changed = await this.inner.writeFile(file);
    if (changed) this.changes.files.push(file.path);
    return changed;
  }

  override async writeFiles(files: FileSpec[]): Promise<boolean[]> {
    const changed = await writeFilesOf(this.inner, files);
    files.forEach((file, index) => changed[index] && this.changes.files.push(file.path));
    return changed;
  }

  get changed(): boolean {
    return this.changes.files.length > 0 || this.changes.services.length > 0;
  }
}
