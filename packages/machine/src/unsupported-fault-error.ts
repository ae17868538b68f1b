/** The node's kernel or tools cannot do this fault at all: retrying will not help, another fault might. */
export class UnsupportedFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedFaultError";
  }
}
