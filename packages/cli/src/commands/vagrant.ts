import { join } from "node:path";
import { parseArgs } from "node:util";
import { deriveInventory, renderInventoryYaml, VagrantCli, vagrantDestroy, writeVagrantfile } from "@odoo-ha-lab/vagrant";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { progressPrinter } from "../progress.ts";
import { labStateDir } from "../state.ts";
import { renderTable } from "../table.ts";
import { vagrantDirectory, vagrantfileOptions, vagrantProgress } from "../targets/vagrant.ts";

const USAGE = `usage: pnpm lab vagrant <action> [options]

  init        write the Vagrantfile for the topology [--dir DIR] [--box BOX] [--force]
  ssh-config  print the SSH inventory derived from \`vagrant ssh-config\` (YAML, or --json)
  status      each VM's state (\`vagrant status\`)
  destroy     \`vagrant destroy --force\`, and forget the VMs' pinned host keys

Every action takes -t/--topology, --name, --subnet, and --dir (default .lab/<lab>/vagrant).
Bring the VMs up and converge them with: pnpm lab up --target vagrant [--provider virtualbox|libvirt]`;

/** `lab vagrant init|ssh-config|status|destroy`: the Vagrant directory of a lab, without the SSH target. */
export async function vagrantCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...LAB_OPTIONS, dir: { type: "string" }, box: { type: "string" }, force: { type: "boolean" }, quiet: { type: "boolean", short: "q" } },
  });
  const action = positionals[0];
  if (!action || action === "help") {
    console.log(USAGE);
    return action ? 0 : 2;
  }
  const topology = resolveTopology(values);
  const directory = vagrantDirectory(topology, values.dir);
  const progress = progressPrinter(values.quiet);
  const cli = () => new VagrantCli({ directory, onLine: vagrantProgress(progress) });

  switch (action) {
    case "init": {
      const { path, result, warnings } = writeVagrantfile(topology, directory, { ...vagrantfileOptions({ box: values.box, lab: values }), force: values.force });
      for (const warning of warnings) process.stderr.write(`note: ${warning}\n`);
      if (values.json) console.log(JSON.stringify({ lab: topology.name, vagrantfile: path, result }));
      else {
        console.log(`${path}: ${result === "unchanged" ? "unchanged (already what the topology renders)" : result} (${topology.nodes.length} VMs, lab ${topology.name})`);
        console.log(`next: pnpm lab up --target vagrant${values.dir ? ` --vagrant-dir ${values.dir}` : ""}`);
      }
      return 0;
    }
    case "ssh-config": {
      const inventory = await deriveInventory(topology, cli());
      process.stdout.write(values.json ? JSON.stringify(inventory, null, 2) + "\n" : renderInventoryYaml(inventory, directory));
      return 0;
    }
    case "status": {
      const states = await cli().status();
      if (values.json) console.log(JSON.stringify({ lab: topology.name, directory, machines: states }, null, 2));
      else console.log(renderTable(["node", "address", "vagrant state"], topology.nodes.map((node) => [node.name, node.address, states[node.name] ?? "not in the Vagrantfile"])));
      return 0;
    }
    case "destroy": {
      const { forgotKeys } = await vagrantDestroy({ directory, knownHostsFile: join(labStateDir(topology.name), "known_hosts"), onProgress: vagrantProgress(progress) });
      if (values.json) console.log(JSON.stringify({ lab: topology.name, destroyed: true, forgotHostKeys: forgotKeys }));
      else console.log(`the VMs of lab ${topology.name} are destroyed (${directory} keeps the Vagrantfile)`);
      return 0;
    }
    default:
      throw new Error(`unknown action 'vagrant ${action}': use init, ssh-config, status or destroy`);
  }
}
