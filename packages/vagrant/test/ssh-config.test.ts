import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseInventory } from "@odoo-ha-lab/ssh";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { inventoryFromSshConfig, parseMachineReadableStatus, parseSshConfig, renderInventoryYaml } from "../src/index.ts";

/** The seed's six machines of the default lab: the recorded ssh-config predates its monitor node. */
const defaultLab = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const topology = { ...defaultLab, nodes: defaultLab.nodes.filter((node) => node.name !== "monitor1") };
/** What `vagrant ssh-config` prints for the six VMs of the default lab on VirtualBox (NAT port forwards). */
const RECORDED = readFileSync(fileURLToPath(new URL("./fixtures/ssh-config-virtualbox-6-machines.txt", import.meta.url)), "utf8");
const PORTS = { lb1: 2222, lb2: 2200, odoo1: 2201, odoo2: 2202, postgresql1: 2203, postgresql2: 2204 };
const keyOf = (node: string) => `/home/ana/odoo-ha-lab/.lab/odoo-ha/vagrant/.vagrant/machines/${node}/virtualbox/private_key`;
const everyKeyExists = () => true;

describe("parseSshConfig", () => {
  it("reads every Host block of the recorded six-machine output", () => {
    const hosts = parseSshConfig(RECORDED);
    expect(hosts.map((host) => host.name)).toEqual(Object.keys(PORTS));
    for (const host of hosts) {
      expect(host).toMatchObject({
        hostName: "127.0.0.1",
        user: "vagrant",
        port: PORTS[host.name as keyof typeof PORTS],
        identityFiles: [keyOf(host.name)],
        userKnownHostsFile: "/dev/null",
        strictHostKeyChecking: "no",
      });
      expect(host.options.identitiesonly).toEqual(["yes"]);
      expect(host.options.hostkeyalgorithms).toEqual(["+ssh-rsa"]);
    }
  });

  it("takes quoted paths with spaces, repeated IdentityFile, Keyword=value, any case, and comments", () => {
    const [host, second] = parseSshConfig(
      [
        "# written by hand",
        "Host lb1",
        "  hostname=192.168.121.17",
        "  USER vagrant",
        '  IdentityFile "/home/ana/VM labs/.vagrant/machines/lb1/libvirt/private_key"',
        "  IdentityFile /home/ana/.vagrant.d/insecure_private_keys/vagrant.key.ed25519   # the fallback",
        "  Port 22",
        "  Port 2222",
        "Host lb2",
        "  HostName 192.168.121.18",
      ].join("\n"),
    );
    expect(host).toMatchObject({
      name: "lb1",
      hostName: "192.168.121.17",
      user: "vagrant",
      port: 22, // the first value wins, as in ssh
      identityFiles: ["/home/ana/VM labs/.vagrant/machines/lb1/libvirt/private_key", "/home/ana/.vagrant.d/insecure_private_keys/vagrant.key.ed25519"],
    });
    expect(second).toMatchObject({ name: "lb2", hostName: "192.168.121.18", user: undefined, port: undefined, identityFiles: [] });
  });

  it("names the line it cannot read", () => {
    expect(() => parseSshConfig("Host lb1\n  Port twenty-two\n")).toThrow(/line 2: Port 'twenty-two' of host lb1 is not a TCP port/);
    expect(() => parseSshConfig('Host lb1\n  IdentityFile "/no/end\n')).toThrow(/line 2: unbalanced double quote/);
  });
});

describe("inventoryFromSshConfig", () => {
  const inventory = inventoryFromSshConfig(topology, parseSshConfig(RECORDED), { fileExists: everyKeyExists });

  it("maps every topology node to Vagrant's endpoint, as the vagrant user with sudo", () => {
    expect(inventory.nodes).toEqual(
      Object.fromEntries(Object.entries(PORTS).map(([node, port]) => [node, { host: "127.0.0.1", port, user: "vagrant", identityFile: keyOf(node), sudo: true }])),
    );
  });

  it("does not inherit StrictHostKeyChecking no: knownHosts stays unset so the SSH target pins keys", () => {
    expect(inventory.defaults).toBeUndefined();
    for (const node of Object.values(inventory.nodes)) expect(node).not.toHaveProperty("knownHosts");
    const yaml = renderInventoryYaml(inventory, "/tmp/x");
    const settings = yaml.split("\n").filter((line) => !line.startsWith("#")).join("\n");
    expect(settings).not.toMatch(/knownHosts|StrictHostKeyChecking|\/dev\/null/i);
    expect(yaml).toMatch(/^# .*knownHosts is left unset on purpose/m);
  });

  it("is an inventory the SSH target accepts, node for node", () => {
    const parsed = parseInventory(parseYaml(renderInventoryYaml(inventory, "test")), topology, "vagrant-inventory.yaml");
    expect(parsed.nodes.map((node) => [node.node, node.host, node.port, node.user, node.sudo, node.identityFile, node.knownHosts])).toEqual(
      topology.nodes.map((node) => [node.name, "127.0.0.1", PORTS[node.name as keyof typeof PORTS], "vagrant", true, keyOf(node.name), undefined]),
    );
  });

  it("picks the first identity file that exists, and runs as root without sudo", () => {
    const config = RECORDED.replace(
      `  IdentityFile ${keyOf("lb1")}\n`,
      `  IdentityFile ${keyOf("lb1")}\n  IdentityFile "/home/ana/.vagrant.d/insecure private key"\n`,
    ).replace(/(Host lb2\n\s+HostName 127\.0\.0\.1\n\s+)User vagrant/, "$1User root");
    const picked = inventoryFromSshConfig(topology, parseSshConfig(config), { fileExists: (path) => path.includes("insecure") });
    expect(picked.nodes.lb1!.identityFile).toBe("/home/ana/.vagrant.d/insecure private key");
    expect(picked.nodes.lb2).toMatchObject({ user: "root", sudo: false });
  });

  it("gives each node a power switch for the kill-node fault when it knows the Vagrant directory", () => {
    const withPower = inventoryFromSshConfig(topology, parseSshConfig(RECORDED), { fileExists: everyKeyExists, vagrantDir: "/srv/my labs/vagrant", vagrantBin: "vagrant" });
    expect(withPower.nodes.odoo1).toMatchObject({ powerOff: "cd '/srv/my labs/vagrant' && vagrant halt --force odoo1", powerOn: "cd '/srv/my labs/vagrant' && vagrant up odoo1" });
  });

  it("names a node missing from the ssh-config and says to run vagrant up for it", () => {
    const withoutOne = RECORDED.split("\n\n").filter((block) => !block.startsWith("Host postgresql2")).join("\n\n");
    expect(() => inventoryFromSshConfig(topology, parseSshConfig(withoutOne))).toThrow(/no machine for node postgresql2 of lab 'odoo-ha'.*Run `vagrant up postgresql2`/);
    expect(() => inventoryFromSshConfig(topology, [])).toThrow(/nodes lb1, lb2, odoo1, odoo2, postgresql1, postgresql2 .*\(it lists: no machine at all\)/);
  });

  it("refuses a block without HostName, naming the node", () => {
    const hosts = parseSshConfig(RECORDED).map((host) => (host.name === "odoo2" ? { ...host, hostName: undefined } : host));
    expect(() => inventoryFromSshConfig(topology, hosts)).toThrow(/block of odoo2 has no HostName.*vagrant up odoo2/);
  });
});

describe("parseMachineReadableStatus", () => {
  it("reads each machine's state and ignores the rest", () => {
    const text = [
      "1718000000,,ui,info,Current machine states:",
      "1718000000,lb1,metadata,provider,virtualbox",
      "1718000000,lb1,provider-name,virtualbox",
      "1718000000,lb1,state,running",
      "1718000000,lb1,state-human-short,running",
      "1718000000,lb2,state,poweroff",
      "1718000000,odoo1,state,not_created",
      "1718000000,,ui,info,This environment represents multiple VMs%!(VAGRANT_COMMA) and more.",
    ].join("\n");
    expect(parseMachineReadableStatus(text)).toEqual({ lb1: "running", lb2: "poweroff", odoo1: "not_created" });
  });
});
