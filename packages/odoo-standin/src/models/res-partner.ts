import { validationError } from "../rpc/errors.ts";
import type { Env } from "./env.ts";
import { boolean, char } from "./fields.ts";
import { Model, type Values } from "./model.ts";

/** res.partner: contacts and companies, the lab's everyday read/write workload. */
export class ResPartner extends Model {
  constructor() {
    super({
      name: "res.partner",
      table: "res_partner",
      description: "Contact",
      order: "name, id desc",
      recName: "name",
      fields: {
        name: char("Name"),
        email: char("Email"),
        phone: char("Phone"),
        is_company: boolean("Is a Company", { default: () => false }),
        active: boolean("Active", { default: () => true }),
      },
    });
  }

  protected override async prepareCreate(_env: Env, vals: Values): Promise<Values> {
    if (!vals.name) throw validationError("Contacts require a name");
    return vals;
  }

  protected override async prepareWrite(_env: Env, _ids: number[], vals: Values): Promise<Values> {
    if ("name" in vals && !vals.name) throw validationError("Contacts require a name");
    return vals;
  }
}
