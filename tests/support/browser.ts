import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
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
