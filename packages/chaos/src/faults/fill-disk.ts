import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems } from "./fault-kind.ts";
import { runScript } from "./host-script.ts";
import { onRunningNode } from "./on-running-node.ts";

const DEFAULT_LEAVE_FREE_MIB = 8;

/** Fill the filesystem that holds `path` until `leaveFreeMiB` (default 8) are left. */
const fillDiskSchema = faultSchema({
  kind: z.literal("fill-disk"),
  node: nodeName,
  path: z.string().startsWith("/", "an absolute directory path on the node"),
  leaveFreeMiB: z.number().min(0).max(1024 * 1024).optional(),
});
type FillDiskSpec = z.output<typeof fillDiskSchema>;

export const fillDiskFault = faultKind({
  schema: fillDiskSchema,
  describe: (spec) => `fill the disk of ${spec.path} on ${spec.node} leaving ${spec.leaveFreeMiB ?? DEFAULT_LEAVE_FREE_MIB} MiB free`,
  problems: (spec, target) => nodeProblems("node", spec.node, target),
  action: fillDiskAction,
});

/** The one file a fill-disk fault writes: named by the fault, so heal removes exactly it. */
export function fillFilePath(directory: string, faultId: string): string {
  return `${directory.replace(/\/+$/, "")}/.lab-chaos-fill-${faultId}`;
}

// $1 directory, $2 file, $3 bytes to leave free. Prints "<bytes written> <bytes free after>".
const FILL = `set -e
[ -d "$1" ] || { echo "no directory $1" >&2; exit 2; }
# In a container (Docker creates /.dockerenv) every filesystem but a tmpfs is the Docker host's disk.
if [ -e /.dockerenv ] && [ "$(stat -f -c %T "$1")" != tmpfs ]; then
  echo "$1 is on $(stat -f -c %T "$1"), the Docker host's own disk: filling it would fill the host; give a tmpfs of the node (such as /run)" >&2
  exit 3
fi
free() { df -P -B1 "$1" | awk 'NR == 2 { print $4 }'; }
size=$(( $(free "$1") - $3 ))
if [ "$size" -gt 0 ]; then
  # fallocate takes milliseconds; where the filesystem cannot, write zeros until full enough.
  fallocate -l "$size" "$2" 2>/dev/null || dd if=/dev/zero of="$2" bs=1M count=$(( size / 1048576 )) status=none 2>/dev/null || [ -f "$2" ]
else
  size=0
fi
echo "$size $(free "$1")"`;

const REMOVE = `rm -f "$1" && [ ! -e "$1" ]`;

/**
 * fill-disk. On Docker a container's root filesystem and its volumes live on the host's disk, so
 * filling them would fill the host: there the fault refuses any path but a tmpfs (e.g. /run in lab
 * nodes), before it writes anything. A real host's own disk is the node's to fill.
 */
function fillDiskAction(spec: FillDiskSpec): FaultAction {
  const leaveFreeBytes = Math.round((spec.leaveFreeMiB ?? DEFAULT_LEAVE_FREE_MIB) * 1024 * 1024);
  return {
    async inject(context) {
      const file = fillFilePath(spec.path, context.id);
      const purpose = `filling ${spec.path}`;
      await onRunningNode(context, spec.node, purpose, async (host) => {
        const [written, free] = (await runScript(host, purpose, FILL, [spec.path, file, String(leaveFreeBytes)])).trim().split(" ").map(Number);
        context.note(written ? `${spec.node}: wrote ${mib(written)} to ${file}; ${mib(free ?? 0)} left free` : `${spec.node}: ${spec.path} had no more than ${mib(leaveFreeBytes)} free already; wrote nothing`);
      });
    },
    async heal(context) {
      const file = fillFilePath(spec.path, context.id);
      const purpose = `removing ${file}`;
      // A stopped node keeps its disk and so the file: that is an error (start it, heal again).
      await onRunningNode(context, spec.node, purpose, async (host) => {
        await runScript(host, purpose, REMOVE, [file]);
      }, { absent: "its filesystem went away with it" });
    },
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
