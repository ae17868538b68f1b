import { basename } from "node:path";
import { odooAdminCredentials, type LabSecrets } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import { BrowserUser, ensureChromium, type BrowserStep } from "../browser/browser-user.ts";
import type { Operation, Outcome } from "../history.ts";
import { labEndpoints } from "../lab-endpoints.ts";
import { OdooClient } from "../odoo/odoo-client.ts";

export interface BrowserWorkloadOptions {
  topology: Topology;
  secrets: LabSecrets;
  /** A person's pause between two steps (reading the page). */
  thinkSeconds: number;
  /** Where the screenshots go: the report's folder (they are named relative to it). */
  reportDir: string;
  /** Operation ids start here, apart from the open-loop workload's. */
  firstId: number;
  /** A step that shows nothing usable by then has failed (the page is judged as it was). */
  stepTimeoutMs?: number;
}

/** Every how many steps the person loads the whole page again (an odd number: the list and the form take turns). */
const RELOAD_EVERY = 3;

/** The screenshots a run keeps: every step that went wrong, and the first of each kind for comparison. */
const SCREENSHOTS_DIR = "browser";

/**
 * One person using Odoo's web client in a real browser through the VIP for the whole run: logs in,
 * then opens the contacts and saves a contact of their own, turn about, within the web client and
 * every third step by a whole page load, pausing between steps as a person reads; logs in again when
 * sent back to the login page. Each step is an operation
 * (`browser.page`) with what it showed. Closed loop: a slow page delays the next step, as it would
 * delay the person.
 */
export class BrowserWorkload {
  private user: BrowserUser | undefined;
  private readonly operations: Operation[] = [];
  private stopping = false;
  private loop: Promise<void> | undefined;
  private partnerId: number | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: BrowserWorkloadOptions) {}

  /** Launches the browser and makes the contact the person edits; throws if the lab cannot be browsed. */
  async start(): Promise<void> {
    const endpoints = labEndpoints(this.options.topology);
    const { login, password } = odooAdminCredentials(this.options.secrets);
    const client = new OdooClient({ url: endpoints.webUrl, db: endpoints.database, timeoutMs: 30_000 });
    if ((await client.login(login, password)) === false) throw new Error(`Odoo refused the browser user's login '${login}' at ${endpoints.webUrl}`);
    this.partnerId = await client.executeKw<number>("res.partner", "create", [{ name: `Browser user's contact ${Date.now()}` }]);
    this.user = await BrowserUser.launch({
      url: endpoints.webUrl,
      database: endpoints.database,
      login,
      password,
      chromium: ensureChromium(),
      screenshotsDir: `${this.options.reportDir}/${SCREENSHOTS_DIR}`,
      stepTimeoutMs: 60_000,
    });
    // Not measured, as the other workloads' preparation: a login shows whether the lab can be
    // browsed at all (a lab that cannot is not one to measure). The run's first steps then fill the
    // browser's cache as a person's first pages do; nothing times them against a budget.
    const first = await this.user.login();
    if (!first.ok) {
      await this.user.close();
      throw new Error(`the browser user cannot use the lab before the run (${first.step}): ${describeStep(first)}`);
    }
    await this.user.discardScreenshot(first);
    this.user.setStepTimeout(this.options.stepTimeoutMs ?? 15_000);
    this.loop = this.run();
  }

  /** Ends the loop after the step under way, closes the browser, returns the steps taken. */
  async stop(): Promise<Operation[]> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.user?.close();
    return this.operations;
  }

  private async run(): Promise<void> {
    const user = this.user!;
    let loggedIn = false; // (the warm-up logged in already: a person who comes back logs in first)
    let turn = 0;
    let lastOk = true;
    while (!this.stopping) {
      // Clicks within the web client, and now and then a whole page load (a link opened, F5), as
      // after a step that went wrong a person reloads. With a whole page load every step a steady
      // run took 1.60 cores of the machine's two, with clicks 1.53 (docs/benchmarks.md).
      const how = { reload: !lastOk || turn % RELOAD_EVERY === 0 };
      const step: BrowserStep = !loggedIn
        ? await user.login()
        : turn++ % 2 === 0
          ? await user.openList(undefined, how)
          : await user.editAndSave("res.partner", this.partnerId!, "name", `Browser user's contact, saved ${new Date().toISOString()}`, how);
      loggedIn = step.step === "login" ? step.ok : !step.loggedOut;
      lastOk = step.ok;
      this.operations.push(this.operation(step));
      await this.think();
    }
  }

  private operation(step: BrowserStep): Operation {
    // A step that never showed a usable page within its time is one whose outcome the person cannot know.
    const outcome: Outcome = step.ok ? "ok" : step.error && step.brokenResponses.length === 0 && step.dialogs.length === 0 && !step.loggedOut ? "indeterminate" : "fail";
    const shown = {
      broken: step.brokenResponses,
      dialogs: step.dialogs,
      notices: step.notices,
      loggedOut: step.loggedOut,
      ...(step.screenshot ? { screenshot: `${SCREENSHOTS_DIR}/${basename(step.screenshot)}` } : {}),
    };
    return {
      id: this.options.firstId + this.operations.length,
      kind: "browser.page",
      invokedAt: step.startedAt,
      completedAt: step.completedAt,
      outcome,
      key: step.step,
      ...(step.ok ? {} : { error: describeStep(step) }),
      shown,
    };
  }

  /** The pause between steps; cut short by stop(). */
  private think(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.thinkSeconds * 1000); // a person's reading time: pacing, not a wait for a condition
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** What the person saw, in one line. */
export function describeStep(step: BrowserStep): string {
  return [
    ...(step.loggedOut ? ["sent back to the login page"] : []),
    ...step.dialogs.map((title) => `dialog "${title}"`),
    ...step.notices.map((notice) => `notice "${notice}"`),
    ...(step.brokenResponses.length ? [`page broken: ${step.brokenResponses.slice(0, 3).join(", ")}${step.brokenResponses.length > 3 ? ` (+${step.brokenResponses.length - 3})` : ""}`] : []),
    ...(step.error ? [step.error] : []),
  ].join("; ");
}
