/**
 * The Python code of the lab's cron jobs (an ir.cron of state 'code'): one ir.logging row per run,
 * named after the job, so that every run of a job can be counted in the database, and whose message
 * ends with the database connection's application_name, which names the Odoo process that ran it
 * (the lab sets ODOO_PGAPPNAME to `odoo-<node>-{pid}`). With `workSeconds`, the job first spends
 * that long in the database (pg_sleep), so that cron throughput is bounded by the cron workers, not
 * by the CPU.
 */
export function runMarkerCode(jobName: string, message = "cron run", workSeconds?: number): string {
  const lines = [
    ...(workSeconds === undefined ? [] : [`env.cr.execute('SELECT pg_sleep(${workSeconds})')`]),
    "env.cr.execute(\"SELECT current_setting('application_name')\")",
    `env['ir.logging'].sudo().create({'name': ${pythonString(jobName)}, 'type': 'server', 'level': 'INFO', ` +
      `'dbname': env.cr.dbname, 'message': ${pythonString(`${message} by `)} + env.cr.fetchone()[0], 'path': 'lab', 'func': 'cron', 'line': '0'})`,
  ];
  return lines.join("\n");
}

/** The Odoo process a run marker's message names ("cron run by odoo-cron1-123" → "cron1/123"), if any. */
export function markerWorker(message: string): string | undefined {
  const match = /\bby odoo-(\S+)-(\d+)$/.exec(message);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** A Python string literal. */
export function pythonString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}'`;
}
