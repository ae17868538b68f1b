import { OdooClient, type OdooClientOptions } from "../odoo/odoo-client.ts";

/**
 * An OdooClient that also remembers which app node answered, from the `X-Lab-Backend` header the
 * lab's HAProxy adds (the server's name). The protocol is OdooClient's own, untouched.
 */
export class TracedOdooClient extends OdooClient {
  /** The backend that served the last answer, when the load balancer said so. */
  lastBackend: string | undefined;

  constructor(options: OdooClientOptions) {
    super({
      ...options,
      onResponse: (response) => {
        this.lastBackend = response.headers.get("x-lab-backend") ?? undefined;
        options.onResponse?.(response);
      },
    });
  }
}
