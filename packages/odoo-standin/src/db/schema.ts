/**
 * The tables `-i base` creates, named and shaped like Odoo 17's where the lab looks at them
 * (res_users, res_partner, ir_attachment's store_fname/checksum/file_size, ir_cron,
 * ir_cron_trigger, ir_logging...). Every statement is idempotent: `-i base` on an existing
 * database changes nothing that is already there.
 */

/** create_uid/create_date/write_uid/write_date: Odoo's "magic" columns, UTC timestamps. */
const MAGIC = "create_uid integer, create_date timestamp, write_uid integer, write_date timestamp";

export const SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS res_partner (
     id serial PRIMARY KEY,
     name varchar,
     email varchar,
     phone varchar,
     is_company boolean DEFAULT false,
     active boolean DEFAULT true,
     ${MAGIC})`,
  `CREATE TABLE IF NOT EXISTS res_users (
     id serial PRIMARY KEY,
     login varchar NOT NULL,
     password varchar,
     partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
     active boolean DEFAULT true,
     ${MAGIC},
     CONSTRAINT res_users_login_key UNIQUE (login))`,
  `CREATE TABLE IF NOT EXISTS res_users_log (
     id serial PRIMARY KEY,
     ${MAGIC})`,
  `CREATE INDEX IF NOT EXISTS res_users_log_create_uid_index ON res_users_log (create_uid)`,
  `CREATE TABLE IF NOT EXISTS ir_model (
     id serial PRIMARY KEY,
     model varchar NOT NULL,
     name varchar NOT NULL,
     state varchar DEFAULT 'base',
     transient boolean DEFAULT false,
     ${MAGIC},
     CONSTRAINT ir_model_obj_name_uniq UNIQUE (model))`,
  `CREATE TABLE IF NOT EXISTS ir_attachment (
     id serial PRIMARY KEY,
     name varchar NOT NULL,
     description text,
     res_model varchar,
     res_field varchar,
     res_id integer,
     type varchar NOT NULL DEFAULT 'binary',
     url varchar(1024),
     public boolean DEFAULT false,
     store_fname varchar,
     db_datas bytea,
     file_size integer,
     checksum varchar(40),
     mimetype varchar,
     ${MAGIC})`,
  `CREATE INDEX IF NOT EXISTS ir_attachment_res_idx ON ir_attachment (res_model, res_id)`,
  `CREATE INDEX IF NOT EXISTS ir_attachment_checksum_index ON ir_attachment (checksum)`,
  `CREATE INDEX IF NOT EXISTS ir_attachment_store_fname_index ON ir_attachment (store_fname)`,
  `CREATE TABLE IF NOT EXISTS ir_cron (
     id serial PRIMARY KEY,
     cron_name varchar NOT NULL,
     model_id integer NOT NULL REFERENCES ir_model(id) ON DELETE CASCADE,
     state varchar NOT NULL DEFAULT 'code',
     code text,
     user_id integer NOT NULL REFERENCES res_users(id),
     active boolean DEFAULT true,
     interval_number integer DEFAULT 1,
     interval_type varchar DEFAULT 'months',
     numbercall integer DEFAULT 1,
     doall boolean DEFAULT false,
     nextcall timestamp NOT NULL,
     lastcall timestamp,
     priority integer DEFAULT 5,
     ${MAGIC})`,
  `CREATE TABLE IF NOT EXISTS ir_cron_trigger (
     id serial PRIMARY KEY,
     cron_id integer REFERENCES ir_cron(id) ON DELETE CASCADE,
     call_at timestamp,
     ${MAGIC})`,
  `CREATE INDEX IF NOT EXISTS ir_cron_trigger_cron_id_index ON ir_cron_trigger (cron_id)`,
  // ir.logging keeps create_uid as a plain integer (no foreign key), as Odoo does: logging must never fail on it.
  `CREATE TABLE IF NOT EXISTS ir_logging (
     id serial PRIMARY KEY,
     ${MAGIC},
     name varchar NOT NULL,
     type varchar NOT NULL,
     dbname varchar,
     level varchar,
     message text NOT NULL,
     path varchar NOT NULL,
     func varchar NOT NULL,
     line varchar NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS ir_logging_type_index ON ir_logging (type)`,
  `CREATE INDEX IF NOT EXISTS ir_logging_name_index ON ir_logging (name)`,
  `CREATE TABLE IF NOT EXISTS ir_config_parameter (
     id serial PRIMARY KEY,
     key varchar NOT NULL,
     value text NOT NULL,
     ${MAGIC},
     CONSTRAINT ir_config_parameter_key_uniq UNIQUE (key))`,
];

/** The SQL expression Odoo uses for "now" in UTC, truncated to seconds as Odoo's Datetime fields are. */
export const NOW_UTC = "date_trunc('second', now() at time zone 'UTC')";
