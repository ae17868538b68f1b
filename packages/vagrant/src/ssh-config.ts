/** One `Host` block of an OpenSSH client config, as `vagrant ssh-config` prints it. */
export interface SshConfigHost {
  /** The first pattern of the `Host` line: Vagrant prints the machine name there. */
  name: string;
  hostName: string | undefined;
  user: string | undefined;
  port: number | undefined;
  /** In order; Vagrant may print several (the machine's own key, then the insecure keys). */
  identityFiles: string[];
  userKnownHostsFile: string | undefined;
  strictHostKeyChecking: string | undefined;
  /** Every option of the block, lower-case keyword → values in order, for whatever is not modelled above. */
  options: Record<string, string[]>;
}

/**
 * Parses an OpenSSH client config (the subset `vagrant ssh-config` prints): `Host` blocks, one
 * `Keyword value` per line, keywords case-insensitive, `Keyword=value` allowed, values in double
 * quotes when they hold spaces. For a keyword other than IdentityFile the first value wins, as in ssh.
 */
export function parseSshConfig(text: string, source = "vagrant ssh-config"): SshConfigHost[] {
  const hosts: SshConfigHost[] = [];
  let current: SshConfigHost | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!match) throw new Error(`${source}, line ${index + 1}: cannot read '${line}' (expected 'Keyword value')`);
    const keyword = match[1]!.toLowerCase();
    const values = splitArguments(match[2]!, `${source}, line ${index + 1}`);
    if (keyword === "host") {
      const name = values[0];
      if (!name) throw new Error(`${source}, line ${index + 1}: a Host line without a name`);
      current = { name, hostName: undefined, user: undefined, port: undefined, identityFiles: [], userKnownHostsFile: undefined, strictHostKeyChecking: undefined, options: {} };
      hosts.push(current);
      return;
    }
    if (keyword === "match") {
      current = undefined; // a Match block applies to no machine by name: Vagrant never prints one
      return;
    }
    if (!current) return; // global options before the first Host: none of them names a machine
    const value = values.join(" ");
    (current.options[keyword] ??= []).push(value);
    switch (keyword) {
      case "hostname":
        current.hostName ??= value;
        break;
      case "user":
        current.user ??= value;
        break;
      case "port": {
        if (current.port !== undefined) break;
        const port = Number(value);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${source}, line ${index + 1}: Port '${value}' of host ${current.name} is not a TCP port`);
        current.port = port;
        break;
      }
      case "identityfile":
        current.identityFiles.push(value);
        break;
      case "userknownhostsfile":
        current.userKnownHostsFile ??= value;
        break;
      case "stricthostkeychecking":
        current.strictHostKeyChecking ??= value;
        break;
    }
  });
  return hosts;
}

/** ssh's own tokenising: whitespace separates, double quotes group (and are removed). */
function splitArguments(text: string, where: string): string[] {
  const values: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  let rest = text;
  const hashAt = text.search(/\s#/);
  if (hashAt >= 0 && !/"[^"]*\s#[^"]*"/.test(text)) rest = text.slice(0, hashAt); // a trailing comment
  for (const match of rest.matchAll(pattern)) values.push(match[1] ?? match[2]!);
  if ((rest.match(/"/g)?.length ?? 0) % 2 !== 0) throw new Error(`${where}: unbalanced double quote in '${text}'`);
  return values;
}
