/** The `lab` command as a user runs it: the one helper the CLI's own tests use. */
export { runLab, type CliRun as LabRun } from "../../cli/test/lab-cli.ts";
