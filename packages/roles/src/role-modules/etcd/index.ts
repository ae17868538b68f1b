import type { RoleModule } from "../role-module.ts";
import { convergeEtcd } from "./converge.ts";
import { etcdPlan } from "./plan.ts";

/** etcd, the DCS Patroni keeps its leader lock in: three members on the balancers and an app node. */
export const etcdRole: RoleModule = {
  name: "etcd",
  services: ["etcd"],
  plan: etcdPlan,
  debianPackages: () => ["etcd-server", "etcd-client"],
  machine: {
    users: [{ name: "etcd", home: "/var/lib/etcd" }],
    directories: [{ path: "/etc/etcd" }, { path: "/var/lib/etcd", owner: "etcd", mode: "0700" }],
    debianUnits: () => ["etcd.service"],
    durableFolders: [{ name: "etcd", path: "/var/lib/etcd" }],
  },
  steps: [{ name: "etcd", after: [], run: convergeEtcd }],
};
