import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// Which Chrome or Chromium the browser tests drive (playwright-core never downloads one by itself): CHROMIUM_PATH
// when set, else the usual install places of this platform, else a browser Playwright's installer put in its cache.

export type ChromiumSearch = { path: string; instruction?: undefined } | { path?: undefined; instruction: string };

/** Environment variables, as in process.env. */
type Env = Record<string, string | undefined>;

export const PLAYWRIGHT_INSTALL_COMMAND = "npx playwright-core install chromium";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function systemInstalls(platform: NodeJS.Platform, env: Env): string[] {
  if (platform === "darwin") {
    const apps = ["/Applications", join(homedir(), "Applications")];
    return apps.flatMap((dir) => [
      join(dir, "Google Chrome.app", "Contents", "MacOS", "Google Chrome"),
      join(dir, "Chromium.app", "Contents", "MacOS", "Chromium"),
    ]);
  }
  if (platform === "win32") {
    const roots = [env.PROGRAMFILES, env["PROGRAMFILES(X86)"], env.LOCALAPPDATA].filter((dir): dir is string => !!dir);
    return roots.flatMap((dir) => [
      join(dir, "Google", "Chrome", "Application", "chrome.exe"),
      join(dir, "Chromium", "Application", "chrome.exe"),
    ]);
  }
  return [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
  ];
}

function playwrightCache(platform: NodeJS.Platform, env: Env): string {
  if (env.PLAYWRIGHT_BROWSERS_PATH) return env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform === "darwin") return join(homedir(), "Library", "Caches", "ms-playwright");
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "ms-playwright");
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ms-playwright");
}

// Older and newer Playwright releases unpack Chromium into differently named folders.
const CACHE_LAYOUTS = [
  ["chrome-linux64", "chrome"],
  ["chrome-linux", "chrome"],
  ["chrome-linux-arm64", "chrome"],
  ["chrome-mac-arm64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing"],
  ["chrome-mac-x64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing"],
  ["chrome-mac", "Chromium.app", "Contents", "MacOS", "Chromium"],
  ["chrome-win64", "chrome.exe"],
  ["chrome-win", "chrome.exe"],
];

/** What `npx playwright-core install chromium` (or another Playwright's installer) unpacked, newest first. */
function playwrightInstalls(platform: NodeJS.Platform, env: Env): string[] {
  const cache = playwrightCache(platform, env);
  let revisions: string[] = [];
  try {
    revisions = readdirSync(cache).filter((name) => /^chromium-\d+$/.test(name));
  } catch {
    // no cache yet
  }
  revisions.sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  return revisions.flatMap((revision) => CACHE_LAYOUTS.map((layout) => join(cache, revision, ...layout)));
}

function installHint(platform: NodeJS.Platform): string {
  if (platform === "linux") return "or install your system's chromium package, e.g. `sudo apt-get install chromium`";
  return "or install Google Chrome";
}

export function findChromium(env: Env = process.env, platform: NodeJS.Platform = process.platform): ChromiumSearch {
  if (env.CHROMIUM_PATH) {
    if (isExecutable(env.CHROMIUM_PATH)) return { path: env.CHROMIUM_PATH };
    return {
      instruction: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file: point it at Chrome or Chromium, or unset it and run \`${PLAYWRIGHT_INSTALL_COMMAND}\``,
    };
  }
  const found = [...systemInstalls(platform, env), ...playwrightInstalls(platform, env)].find(isExecutable);
  if (found) return { path: found };
  return {
    instruction: `No Chrome or Chromium found for the browser tests: run \`${PLAYWRIGHT_INSTALL_COMMAND}\` (${installHint(platform)}, or set CHROMIUM_PATH)`,
  };
}
