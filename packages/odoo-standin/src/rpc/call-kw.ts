import type { Env } from "../models/env.ts";
import type { MethodSpec } from "../models/model.ts";
import { pyRepr } from "../models/py-repr.ts";
import { accessError, attributeError, typeError, userError, valueError } from "./errors.ts";

/**
 * odoo.api.call_kw: calls `model.method(*args, **kwargs)` the way Odoo does for RPC. Record
 * methods take the ids as first positional argument; `context` in kwargs becomes the env's
 * context; private methods (leading underscore) are refused.
 */
export async function callKw(env: Env, modelName: unknown, method: unknown, args: unknown, kwargs: unknown): Promise<unknown> {
  if (typeof modelName !== "string" || typeof method !== "string") throw valueError("call_kw needs a model name and a method name (strings)");
  if (method.startsWith("_")) throw accessError(`Private methods (such as ${modelName}.${method}) cannot be called remotely.`);
  const model = env.services.models.get(modelName);
  if (!model) throw userError(`Object ${modelName} doesn't exist`);
  const spec = model.methods()[method];
  if (!spec) throw attributeError(`The method '${modelName}.${method}' does not exist`);

  const positional = args === undefined || args === null ? [] : args;
  if (!Array.isArray(positional)) throw typeError(`args must be a list, got ${pyRepr(args)}`);
  const keywords = kwargs === undefined || kwargs === null ? {} : kwargs;
  if (typeof keywords !== "object" || Array.isArray(keywords)) throw typeError(`kwargs must be a dict, got ${pyRepr(kwargs)}`);
  const { context, ...rest } = keywords as Record<string, unknown>;
  const callEnv: Env = context && typeof context === "object" ? { ...env, context: { ...env.context, ...(context as Record<string, unknown>) } } : env;

  const { ids, values } = bindArguments(method, spec, positional, rest);
  return spec.run(callEnv, values, ids);
}

/** Python's argument binding for the method's signature, with Python's error messages. */
export function bindArguments(method: string, spec: MethodSpec, args: unknown[], kwargs: Record<string, unknown>): { ids: number[]; values: Record<string, unknown> } {
  let rest = args;
  let ids: number[] = [];
  if (spec.onRecords) {
    if (rest.length === 0) throw typeError(`${method}() missing the record ids: pass them as the first argument (e.g. [[1, 2]])`);
    ids = toIds(rest[0]);
    rest = rest.slice(1);
  }
  if (rest.length > spec.params.length) {
    throw typeError(`${method}() takes ${spec.params.length + 1} positional arguments but ${rest.length + 1} were given`);
  }
  const values: Record<string, unknown> = {};
  spec.params.forEach((param, index) => {
    if (index < rest.length) values[param.name] = rest[index];
  });
  for (const [name, value] of Object.entries(kwargs)) {
    if (!spec.params.some((param) => param.name === name)) throw typeError(`${method}() got an unexpected keyword argument '${name}'`);
    if (name in values) throw typeError(`${method}() got multiple values for argument '${name}'`);
    values[name] = value;
  }
  for (const param of spec.params) {
    if (Object.prototype.hasOwnProperty.call(values, param.name)) continue;
    if (param.required) throw typeError(`${method}() missing 1 required positional argument: '${param.name}'`);
    values[param.name] = param.default;
  }
  return { ids, values };
}

function toIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((id) => typeof id === "number" && Number.isInteger(id))) throw valueError(`Invalid record ids ${pyRepr(value)}: expected an id or a list of ids`);
  return list as number[];
}
