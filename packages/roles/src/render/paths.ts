/** Where each rendered file lives on a node: one place, shared by renderers, converge and probes. */
export const PATHS = {
  etcdConfig: "/etc/etcd/etcd.conf.yml",
  etcdDataDir: "/var/lib/etcd/lab",
  patroniConfig: "/etc/patroni/patroni.yml",
  postgresDataDir: "/var/lib/postgresql/data",
  pgbouncerDir: "/etc/pgbouncer",
  pgbouncerConfig: "/etc/pgbouncer/pgbouncer.ini",
  pgbouncerUserlist: "/etc/pgbouncer/userlist.txt",
  haproxyConfig: "/etc/haproxy/haproxy.cfg",
  keepalivedConfig: "/etc/keepalived/keepalived.conf",
  keepalivedCheckScript: "/etc/keepalived/check-haproxy.sh",
  keepalivedLeaveScript: "/etc/keepalived/vip-left.py",
  keepalivedStateScript: "/etc/keepalived/vip-state.sh",
  /** The node exporter's textfile collector: what the node's other roles tell the monitor (a tmpfs: gone at boot, never stale). */
  nodeExporterTextfiles: "/run/node-exporter",
  haproxyAdminSocket: "/run/haproxy-admin.sock",
  glusterBrickRoot: "/bricks",
  prometheusConfig: "/etc/prometheus/prometheus.yml",
  prometheusRules: "/etc/prometheus/odoo-ha-lab-alerts.yml",
  prometheusDataDir: "/var/lib/prometheus/lab",
  alertmanagerConfig: "/etc/prometheus/alertmanager.yml",
  alertmanagerDataDir: "/var/lib/prometheus/lab-alertmanager",
  odooConfig: "/etc/odoo/odoo.conf",
  odooPgService: "/etc/odoo/pg_service.conf",
  odooDataDir: "/var/lib/odoo",
  /** Where a source-built Odoo lives (the lab's image and the SSH target); its addons beside the package. */
  odooHome: "/opt/odoo",
  /** The lab's own Odoo addons (odoo-lab-addon.ts), outside the shared filestore so they load while it is down. */
  odooLabAddons: "/usr/local/lib/odoo-ha-lab/addons",
} as const;

/** Debian's home of a PostgreSQL major's server binaries (postgresql-common keeps majors side by side). */
export function postgresBinDir(major: number): string {
  return `/usr/lib/postgresql/${major}/bin`;
}

export { PORTS } from "@odoo-ha-lab/topology";
