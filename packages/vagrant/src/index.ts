export * from "./ssh-config.ts";
export * from "./vagrant-cli.ts";
export * from "./vagrant-inventory.ts";
export * from "./vagrant-lab.ts";
export * from "./vagrantfile.ts";
