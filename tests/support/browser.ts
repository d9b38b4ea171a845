import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { loginUrl } from "../../lib/login-url";
import { findChromium } from "./chromium-path";

// An installed Chrome or Chromium (tests/support/chromium-path.ts) driven by playwright-core, with a fresh profile each time.

export type LaunchOptions = {
  /** Added to Chromium's command line (e.g. `--host-resolver-rules` so no host name is ever looked up). */
  extraArgs?: string[];
};

export type LaunchedBrowser = { context: BrowserContext; close: () => Promise<void> };

export async function launchBrowser({ extraArgs = [] }: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const chromiumSearch = findChromium();
  if (!chromiumSearch.path) throw new Error(chromiumSearch.instruction);
  const userDataDir = mkdtempSync(join(tmpdir(), "starter-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumSearch.path,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A new tab with no cookies in the profile: a visitor who has never been here. */
export async function freshPage(browser: LaunchedBrowser): Promise<Page> {
  await browser.context.clearCookies();
  return browser.context.newPage();
}

/** Signs in through the login form, reached by /login?callbackUrl=…, and waits until the app lands there. */
export async function signInWithForm(
  page: Page,
  baseUrl: string,
  { email, password }: { email: string; password: string },
  callbackUrl = "/dashboard",
): Promise<void> {
  await page.goto(`${baseUrl}${loginUrl(callbackUrl)}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${baseUrl}${callbackUrl}`);
}
