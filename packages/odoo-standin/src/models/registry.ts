import { IrAttachment } from "./ir-attachment.ts";
import { IrConfigParameter } from "./ir-config-parameter.ts";
import { IrCron } from "./ir-cron.ts";
import { IrCronTrigger } from "./ir-cron-trigger.ts";
import { IrLogging } from "./ir-logging.ts";
import { IrModel } from "./ir-model.ts";
import type { Model } from "./model.ts";
import { ResPartner } from "./res-partner.ts";
import { ResUsers } from "./res-users.ts";

/** Every model the stand-in serves, by Odoo name (the "registry" of one database). */
export function createModels(): Map<string, Model> {
  const models: Model[] = [
    new ResPartner(),
    new ResUsers(),
    new IrAttachment(),
    new IrCron(),
    new IrCronTrigger(),
    new IrLogging(),
    new IrModel(),
    new IrConfigParameter(),
  ];
  return new Map(models.map((model) => [model.name, model]));
}
