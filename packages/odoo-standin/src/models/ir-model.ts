import { accessError } from "../rpc/errors.ts";
import { boolean, char } from "./fields.ts";
import { Model, type MethodSpec } from "./model.ts";

/** ir.model: the models of this database, filled by `-i base`; read-only in the stand-in. */
export class IrModel extends Model {
  constructor() {
    super({
      name: "ir.model",
      table: "ir_model",
      description: "Models",
      order: "model",
      recName: "name",
      fields: {
        model: char("Model", { required: true }),
        name: char("Model Description", { required: true }),
        state: char("Type"),
        transient: boolean("Transient Model"),
      },
    });
  }

  override methods(): Record<string, MethodSpec> {
    const readOnly = async (): Promise<never> => {
      throw accessError("The stand-in's models are fixed: ir.model cannot be created, changed or deleted.");
    };
    const methods = super.methods();
    for (const name of ["create", "write", "unlink"]) methods[name] = { ...methods[name]!, run: readOnly };
    return methods;
  }
}
