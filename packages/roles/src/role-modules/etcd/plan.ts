import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { renderEtcdConfig } from "./render.ts";

export function etcdPlan({ topology, node }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-o", "etcd", "-g", "etcd", "-m", "0700", PATHS.etcdDataDir]],
    files: [{ path: PATHS.etcdConfig, content: renderEtcdConfig(topology, node), mode: 0o644 }],
    services: [{ name: "etcd", command: ["etcd", "--config-file", PATHS.etcdConfig], user: "etcd", stopTimeoutSeconds: 10 }],
  };
}
