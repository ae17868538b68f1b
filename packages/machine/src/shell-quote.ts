/** Quotes one argument for a POSIX shell: scripts sent through Host.exec are built from data. */
export function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}

export function shellCommand(argv: string[]): string {
  return argv.map(shellQuote).join(" ");
}
