import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { installLocalPackages } from "@odoo-ha-lab/roles";
import puppeteer, { type Browser, type HTTPRequest, type HTTPResponse, type Page } from "puppeteer-core";
import { idleProcessTree } from "./idle-process-tree.ts";

/**
 * A person using Odoo's own web client in a real browser (Debian's Chromium, headless, driven over
 * the DevTools protocol): logs in through the VIP, loads pages with every asset they ask for, opens
 * and saves a record. Each step says what that person saw: the page whole or broken (an answer of
 * 400 or more, a request that failed), the web client's error dialogs ("Odoo Server Error", "Odoo
 * Session Expired"), its "Connection lost" notice, and whether they were sent back to the login page.
 */

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Debian's Chromium, installed from apt when missing (as root; the lab's apt calls queue on one lock). */
export function ensureChromium(): string {
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${DEBIAN_CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run a browser user`);
  const installed = installLocalPackages(["chromium"]);
  if (!installed.ok) throw new Error(`apt-get install chromium failed (exit code ${installed.status}):\n${installed.output}`);
  return DEBIAN_CHROMIUM;
}

export interface BrowserUserOptions {
  /** Odoo's address as users reach it, e.g. http://192.168.55.100 (the VIP). */
  url: string;
  database: string;
  login: string;
  password: string;
  /** Where a step's screenshot goes (none when unset): of every step that went wrong, and of the first of each kind. */
  screenshotsDir?: string;
  /** Per step (default 30 s): a page that never becomes usable is a failed step, not a hung run. */
  stepTimeoutMs?: number;
  chromium?: string;
}

export interface BrowserStep {
  step: string;
  /** The step did what it was for, on a whole page, with nothing shown to the user as an error. */
  ok: boolean;
  startedAt: number;
  completedAt: number;
  /** Answers of 400 or more, and requests that got no answer: a page missing part of itself. */
  brokenResponses: string[];
  /** Titles of the web client's error dialogs shown during the step. */
  dialogs: string[];
  /** The web client's notices shown during the step ("Connection lost. Trying to reconnect...", "Connection restored"). */
  notices: string[];
  /** The step ended on the login page: the user was logged out. */
  loggedOut: boolean;
  /** Why the step failed, in the user's terms. */
  error?: string;
  screenshot?: string;
}

/** The web client's notice when a call got no usable answer (rpc_service.js): the person's action did not happen. */
export const CONNECTION_LOST = /connection lost|trying to reconnect/i;

/** Odoo's bus (a websocket, or long polling where none): open as long as the page is. */
const LONG_LIVED = /\/websocket|\/longpolling\/|\/bus\//;

/** Odoo 17's web client: the dialogs and notifications an error produces (web/static/src/core/errors, notifications). */
const WEB_CLIENT = {
  ready: ".o_web_client .o_action_manager .o_view_controller",
  dialogTitle: ".o_dialog .modal-title",
  notice: ".o_notification_manager .o_notification",
  listView: ".o_list_view",
  formView: ".o_form_view",
  saveButton: ".o_form_button_save",
  savedForm: ".o_form_status_indicator_buttons.invisible",
} as const;

/** How a step reaches its page: within the web client already open (default), or by a whole page load. */
export interface Navigation {
  reload?: boolean;
}

export class BrowserUser {
  private page: Page | undefined;
  private seen = { broken: [] as string[] };
  /** The page's requests still waiting for an answer (its bus connection aside). */
  private readonly inFlight = new Set<HTTPRequest>();
  private stepCount = 0;
  private stepTimeoutMs: number | undefined;
  /** Steps whose screenshot was taken once when all went well (the one kept for comparison). */
  private readonly shownWhole = new Set<string>();
  /** The browser's processes already on SCHED_IDLE (yieldToTheLab). */
  private readonly idleProcesses = new Set<number>();

  private constructor(
    private readonly browser: Browser,
    private readonly options: BrowserUserOptions,
  ) {}

  static async launch(options: BrowserUserOptions): Promise<BrowserUser> {
    const browser = await puppeteer.launch({
      executablePath: options.chromium ?? DEBIAN_CHROMIUM,
      headless: true,
      // root in a container or CI: no user namespace for the sandbox. Nothing but the lab is browsed.
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      timeout: 60_000,
      // Puppeteer's own handlers would exit the process (130) on the first Ctrl-C, before a scenario
      // run heals its faults (measured: the suite's Ctrl-C test). The run closes the browser itself.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const user = new BrowserUser(browser, options);
    await user.openPage();
    await user.yieldToTheLab();
    return user;
  }

  private async openPage(): Promise<void> {
    const page = await this.browser.newPage();
    page.setDefaultTimeout(this.timeoutMs);
    await page.setViewport({ width: 1280, height: 800 });
    page.on("request", (request) => {
      // (data: URLs and the like are the page's own: only what it asks of the server is waited for)
      if (/^https?:/.test(request.url()) && !LONG_LIVED.test(request.url())) this.inFlight.add(request);
    });
    page.on("requestfinished", (request) => this.inFlight.delete(request));
    page.on("response", (response: HTTPResponse) => {
      if (response.status() >= 400) this.seen.broken.push(`${response.status()} ${shortUrl(response.url())}`);
    });
    page.on("requestfailed", (request) => {
      this.inFlight.delete(request);
      // A request the page itself gave up (a navigation away) is not the server's doing.
      const reason = request.failure()?.errorText ?? "failed";
      if (reason !== "net::ERR_ABORTED") this.seen.broken.push(`${reason} ${shortUrl(request.url())}`);
    });
    this.page = page;
  }

  /** The login form, then the web client's home: whole, with its bundles. */
  login(): Promise<BrowserStep> {
    return this.step("login", async (page) => {
      await page.goto(`${this.base}/web/login?db=${encodeURIComponent(this.options.database)}`, { waitUntil: "load" });
      await page.locator("input[name=login]").fill(this.options.login);
      await page.locator("input[name=password]").fill(this.options.password);
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator("button[type=submit]").click()]);
      if (new URL(page.url()).pathname === "/web/login") throw new Error("still on the login page after signing in");
      await page.waitForSelector(WEB_CLIENT.ready);
    });
  }

  /** A window action's list of records (base's contacts by default), loaded by the web client's own calls. */
  openList(action = "base.action_partner_form", how: Navigation = {}): Promise<BrowserStep> {
    return this.step(`open the list of ${action}`, async (page) => {
      await this.load(page, `/web#action=${action}&view_type=list`, how);
      await page.waitForSelector(`${WEB_CLIENT.listView} .o_data_row`);
    });
  }

  /** One record's form: a field changed and saved, as a person types and clicks. */
  editAndSave(model: string, id: number, field: string, value: string, how: Navigation = {}): Promise<BrowserStep> {
    return this.step(`save ${model} ${id}`, async (page) => {
      await this.load(page, `/web#id=${id}&model=${model}&view_type=form`, how);
      const input = `${WEB_CLIENT.formView} .o_field_widget[name=${field}] :is(input, textarea)`;
      await page.waitForSelector(input);
      await page.locator(input).fill(value);
      // The form is dirty now, so the web client shows its save button.
      await page.locator(WEB_CLIENT.saveButton).click();
      // Saved: the form is clean again, and the web client hides the button.
      await page.waitForSelector(WEB_CLIENT.savedForm);
    });
  }

  /**
   * Within the web client already open, as a person clicks: only the URL's hash changes, and the
   * web client loads the view with its own calls. Otherwise, or when asked to reload, a whole page
   * load, assets and all, as a person opening a link: from a blank page, since going from /web#a to
   * /web#b would only change the hash of the page already there.
   */
  private async load(page: Page, path: string, how: Navigation): Promise<void> {
    if (!how.reload && safePathname(page.url()) === "/web") {
      await page.evaluate((hash) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), new URL(`${this.base}${path}`).hash);
      return;
    }
    await page.goto("about:blank");
    await page.goto(`${this.base}${path}`, { waitUntil: "load" });
  }

  /** Removes a step's screenshot (one like many others, not worth keeping). */
  async discardScreenshot(step: BrowserStep): Promise<void> {
    if (step.screenshot) rmSync(step.screenshot, { force: true });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  private get base(): string {
    return this.options.url.replace(/\/+$/, "");
  }

  private get timeoutMs(): number {
    return this.stepTimeoutMs ?? this.options.stepTimeoutMs ?? 30_000;
  }

  /** A step's time from now on (e.g. generous for a first login that builds the asset bundles, then a person's patience). */
  setStepTimeout(ms: number): void {
    this.stepTimeoutMs = ms;
    this.page?.setDefaultTimeout(ms);
  }

  /**
   * The browser runs only on CPU the lab leaves idle (SCHED_IDLE): it runs on the machine of the lab
   * it watches, where a person's browser would not, and at the default priority it took 0.5 to 1 of
   * this machine's two cores in every run, from the lab whose recovery the run times (measured). Its
   * steps are judged by what they show, not by how long they take (docs/benchmarks.md).
   */
  private async yieldToTheLab(): Promise<void> {
    const pid = this.browser.process()?.pid;
    if (pid === undefined) return;
    for (const set of await idleProcessTree(pid, this.idleProcesses)) this.idleProcesses.add(set);
  }

  private async step(name: string, act: (page: Page) => Promise<void>): Promise<BrowserStep> {
    const page = this.page!;
    // (what Chromium started since inherits the policy from the thread that started it; a process
    // started from elsewhere is set here)
    await this.yieldToTheLab();
    this.seen.broken = [];
    const startedAt = Date.now();
    let error: string | undefined;
    try {
      await act(page);
      // Calls the page made after it looked ready (its menus, its data) finish before it is judged.
      await this.settled(startedAt);
    } catch (caught) {
      error = (caught as Error).message.split("\n")[0];
    }
    const completedAt = Date.now();
    const dialogs = await texts(page, WEB_CLIENT.dialogTitle);
    const notices = await texts(page, WEB_CLIENT.notice);
    const loggedOut = safePathname(page.url()) === "/web/login" && name !== "login";
    const brokenResponses = [...this.seen.broken];
    const ok = error === undefined && brokenResponses.length === 0 && dialogs.length === 0 && !notices.some((notice) => CONNECTION_LOST.test(notice)) && !loggedOut;
    // Every step that went wrong, and the first of each kind that went well: a screenshot costs
    // the browser a render and a PNG encoding, which a step every few seconds does not need.
    const shoot = !ok || !this.shownWhole.has(name);
    if (ok) this.shownWhole.add(name);
    const screenshot = shoot ? await this.screenshot(page, name) : undefined;
    return { step: name, ok, startedAt, completedAt, brokenResponses, dialogs, notices, loggedOut, ...(error ? { error } : {}), ...(screenshot ? { screenshot } : {}) };
  }

  /** Nothing in flight for 300 ms (Odoo's bus aside): the page has asked for all it will. */
  private async settled(startedAt: number): Promise<void> {
    let quietSince = Date.now();
    while (Date.now() - quietSince < 300) {
      if (Date.now() - startedAt > this.timeoutMs) throw new Error(`the page still waits for ${[...this.inFlight].map((request) => shortUrl(request.url())).join(", ")} after ${this.timeoutMs} ms`);
      if (this.inFlight.size > 0) quietSince = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async screenshot(page: Page, step: string): Promise<string | undefined> {
    if (!this.options.screenshotsDir) return undefined;
    mkdirSync(this.options.screenshotsDir, { recursive: true });
    const path = join(this.options.screenshotsDir, `${String(++this.stepCount).padStart(3, "0")}-${step.replace(/[^a-z0-9]+/gi, "-")}.png`);
    try {
      await page.screenshot({ path: path as `${string}.png` });
      return path;
    } catch {
      return undefined; // a page that is gone has nothing to show; the step says what happened
    }
  }
}

async function texts(page: Page, selector: string): Promise<string[]> {
  try {
    return await page.$$eval(selector, (elements) => elements.map((element) => (element.textContent ?? "").trim().replace(/\s+/g, " ")).filter((text) => text !== ""));
  } catch {
    return [];
  }
}

function safePathname(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

/** A URL without its host and long hashes, for a person reading what broke. */
function shortUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname.length > 90 ? `${parsed.pathname.slice(0, 87)}...` : parsed.pathname;
}
