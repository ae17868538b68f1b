import { createHash } from "node:crypto";
import type { ExecOptions, ExecResult, FileSpec, Host, RunningCommand } from "@odoo-ha-lab/machine";
import type { SshEndpoint } from "./openssh.ts";
import { SystemdServices } from "./systemd-services.ts";

/** A lab node as a machine reached over SSH: commands as root (or through sudo), services as systemd units. */
export class SshHost implements Host {
  // Multiplexed over a live ControlMaster a command answers in tens of ms; silence means the node is off.
  readonly silentAfterMs = 1_500;
  readonly services: SystemdServices;

  constructor(
    readonly endpoint: SshEndpoint,
    /** The interface carrying the node's topology address, found by the preflight. */
    readonly interfaceName: string,
  ) {
    this.services = new SystemdServices(this);
  }

  get node(): string {
    return this.endpoint.node;
  }

  exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.endpoint.exec(command, options);
  }

  /** A watch's loop: one ssh session for a whole run instead of one per sample. */
  spawn(command: string[], onStdout: (text: string) => void): Promise<RunningCommand> {
    return this.endpoint.spawn(command, onStdout, this.silentAfterMs);
  }

  async readFile(path: string): Promise<string | undefined> {
    const result = await this.exec(["cat", "--", path]);
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  /** What the node holds at `path`: mode, owner and the content's sha256 (never the content). */
  async fileState(path: string): Promise<{ mode: number; owner: string; sha256: string } | undefined> {
    const result = await this.exec(["sh", "-c", FILE_STATE, "sh", path]);
    if (result.exitCode !== 0) return undefined;
    const [mode, owner, sha256] = result.stdout.trim().split(" ");
    return mode && owner && sha256 ? { mode: Number.parseInt(mode, 8), owner, sha256 } : undefined;
  }

  async writeFile(file: FileSpec): Promise<boolean> {
    if (!(await fileDiffers(this, file))) return false;
    // The content goes on stdin: it may hold passwords, and an error must not echo it.
    const result = await this.exec(["sh", "-c", WRITE_FILE, "sh", file.path, (file.mode ?? 0o644).toString(8), file.owner ?? "root"], { stdin: file.content });
    if (result.exitCode !== 0) {
      throw new Error(`on ${this.node}: cannot write ${file.path}: ${(result.stderr || `exit ${result.exitCode}`).trim().split("\n").slice(-3).join(" ")}`);
    }
    return true;
  }
}

export async function fileDiffers(host: SshHost, file: FileSpec): Promise<boolean> {
  const current = await host.fileState(file.path);
  if (!current) return true;
  return current.sha256 !== sha256(file.content) || current.mode !== (file.mode ?? 0o644) || current.owner !== (file.owner ?? "root");
}

export function sha256(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

const FILE_STATE = `[ -f "$1" ] || exit 3
set -e
echo "$(stat -c '%a %U' "$1") $(sha256sum < "$1" | cut -d' ' -f1)"`;

// $1 path, $2 octal mode, $3 owner. Into a temporary file beside the target, then renamed: a reader
// never sees half a file, and a failed write leaves the old one.
const WRITE_FILE = `set -e
dir=$(dirname "$1")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.lab-write.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat > "$tmp"
chmod "$2" "$tmp"
chown "$3" "$tmp"
mv -f "$tmp" "$1"
trap - EXIT`;

