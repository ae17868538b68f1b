import { OdooError } from "../rpc/errors.ts";
import { sha1Hex } from "../storage/filestore.ts";
import type { Env } from "./env.ts";
import { binary, boolean, char, computed, integer, selection, text } from "./fields.ts";
import { guessMimetype } from "./mimetype.ts";
import { Model, type Values } from "./model.ts";
import { pyRepr } from "./py-repr.ts";

/**
 * ir.attachment with Odoo 17's file storage: `datas` (base64) is written to the shared filestore
 * under its SHA-1 and only store_fname/checksum/file_size reach the database.
 *
 * Failure behaviour is Odoo's, on purpose: writing needs the filestore directory (an unavailable
 * mount fails the call with an OSError), while a failed *read* is logged and gives `datas: false`
 * (Odoo's _file_read swallows OSError and returns b''). The lab has to detect that case itself.
 */
export class IrAttachment extends Model {
  constructor() {
    super({
      name: "ir.attachment",
      table: "ir_attachment",
      description: "Attachment",
      order: "id desc",
      recName: "name",
      fields: {
        name: char("Name", { required: true }),
        description: text("Description"),
        res_model: char("Resource Model"),
        res_field: char("Resource Field"),
        res_id: integer("Resource ID"),
        type: selection(["url", "binary"], "Type", { required: true, default: () => "binary" }),
        url: char("Url"),
        public: boolean("Is public document"),
        store_fname: char("Stored Filename", { readonly: true }),
        file_size: integer("File Size", { readonly: true }),
        checksum: char("Checksum/SHA1", { readonly: true }),
        mimetype: char("Mime Type"),
        datas: computed("binary", "File Content (base64)"),
      },
    });
  }

  protected override async prepareCreate(env: Env, vals: Values): Promise<Values> {
    return this.storeContent(env, vals);
  }

  protected override async prepareWrite(env: Env, _ids: number[], vals: Values): Promise<Values> {
    return "datas" in vals ? this.storeContent(env, vals) : vals;
  }

  protected override async computeFields(env: Env, rows: Values[], names: string[], out: Map<number, Values>): Promise<void> {
    await super.computeFields(env, rows, names, out);
    if (!names.includes("datas")) return;
    for (const row of rows) {
      const content = await this.readContent(env, row);
      out.get(row.id as number)!.datas = content && content.length > 0 ? content.toString("base64") : false;
    }
  }

  /** Replaces `datas` by the stored columns, writing the bytes to the filestore first. */
  private async storeContent(env: Env, vals: Values): Promise<Values> {
    if (!("datas" in vals)) return vals;
    const bytes = decodeBase64(vals.datas);
    const checksum = sha1Hex(bytes);
    const stored: Values = { ...vals, file_size: bytes.length, checksum, store_fname: false };
    delete stored.datas;
    if (bytes.length > 0) stored.store_fname = await env.services.filestore.write(bytes, checksum);
    if (!stored.mimetype) stored.mimetype = guessMimetype(typeof vals.name === "string" ? vals.name : undefined, bytes);
    return stored;
  }

  private async readContent(env: Env, row: Values): Promise<Buffer | undefined> {
    if (typeof row.store_fname !== "string" || row.store_fname === "") return undefined;
    try {
      return await env.services.filestore.read(row.store_fname);
    } catch (error) {
      // Odoo: _logger.info("_read_file reading %s", full_path, exc_info=True); return b''
      env.services.logger.info("odoo.addons.base.models.ir_attachment", `_read_file reading ${env.services.filestore.pathOf(row.store_fname)}: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** base64.b64decode: padding and alphabet are checked, as Python's binascii does. */
function decodeBase64(value: unknown): Buffer {
  if (value === false || value === null || value === undefined || value === "") return Buffer.alloc(0);
  if (typeof value !== "string") throw new OdooError("builtins.TypeError", `argument should be a bytes-like object or ASCII string, not ${pyRepr(value)}`);
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new OdooError("binascii.Error", "Non-base64 digit found");
  if (compact.length % 4 !== 0) throw new OdooError("binascii.Error", "Incorrect padding");
  return Buffer.from(compact, "base64");
}
