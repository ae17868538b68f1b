import { char, datetime, integer, selection, text } from "./fields.ts";
import { Model } from "./model.ts";

/**
 * ir.logging: log records kept in the database. The lab's cron jobs write one row per run, which
 * is how "every due run happened exactly once" is counted. create_uid is a plain integer, as in
 * Odoo, so that logging never fails on a foreign key.
 */
export class IrLogging extends Model {
  constructor() {
    super({
      name: "ir.logging",
      table: "ir_logging",
      description: "Logging",
      order: "id desc",
      recName: "name",
      fields: {
        name: char("Name", { required: true }),
        type: selection(["client", "server"], "Type", { required: true }),
        dbname: char("Database Name"),
        level: char("Level"),
        message: text("Message", { required: true }),
        path: char("Path", { required: true }),
        func: char("Function", { required: true }),
        line: char("Line", { required: true }),
      },
      magic: {
        create_uid: integer("Created by", { readonly: true }),
        create_date: datetime("Created on", { readonly: true }),
        write_uid: integer("Last Updated by", { readonly: true }),
        write_date: datetime("Last Updated on", { readonly: true }),
      },
    });
  }
}
