import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshPage, launchBrowser, signInWithForm, type LaunchedBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { createTestUser, deleteTestUser, signedInClient, type TestUser } from "./helpers";

// The layout in Chromium, on a phone (390 px), a tablet (768 px) and a laptop (1280 px): nothing wider than the
// screen, every button reachable, the dark theme, confirmations, and no serious accessibility problem (axe-core)
// in either theme.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const url = (path: string) => `${baseUrl}${path}`;

const PUBLIC_PAGES = ["/", "/login", "/register", "/forgot-password", "/cart", "/onboarding", "/no-such-page"];
const SIGNED_IN_PAGES = ["/dashboard", "/account", "/account/sessions", "/admin"];
const WIDTHS = [390, 768, 1280];

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser: LaunchedBrowser;
let admin: TestUser;
const cspViolations: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await createTestUser(db, "layout", "admin");
  // Reported from inside every page before its own scripts run (init scripts are not subject to the CSP).
  await browser.context.exposeBinding("reportCspViolation", ({ page }, text: string) => {
    cspViolations.push(`${page.url()}: ${text}`);
  });
  await browser.context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      const element = event.target instanceof Element ? event.target.outerHTML.slice(0, 100) : "";
      report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ${event.sample} ${element}`);
    });
  });
}, 60_000);
beforeEach(() => {
  cspViolations.length = 0;
});
afterAll(async () => {
  await browser?.close();
  if (admin) await deleteTestUser(db, admin);
  await db.$disconnect();
});

/** Opens a page and waits until React has hydrated it. */
async function visit(page: Page, path: string) {
  const response = await page.goto(url(path));
  expect(response?.status(), path).toBeLessThan(500);
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

async function newPage(width: number, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await freshPage(browser);
  await page.setViewportSize({ width, height: 844 });
  await page.emulateMedia({ colorScheme });
  page.on("console", (message) => {
    if (/content.security.policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  return page;
}

/** How far the document is wider than the viewport (0 when nothing scrolls sideways). */
const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Every button the reader can see, scrolled into view: those outside the screen, clipped or covered. */
async function unreachableButtons(page: Page): Promise<string[]> {
  const buttons = page.locator("button:visible");
  const problems: string[] = [];
  for (let i = 0; i < (await buttons.count()); i++) {
    const button = buttons.nth(i);
    await button.scrollIntoViewIfNeeded();
    const problem = await button.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const label = (element.textContent || element.getAttribute("aria-label") || "").trim();
      if (box.left < 0 || box.right > document.documentElement.clientWidth) return `${label}: outside the screen`;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit && (hit === element || element.contains(hit))
        ? null
        : `${label}: covered by ${hit?.outerHTML.slice(0, 80)}`;
    });
    if (problem) problems.push(problem);
  }
  return problems;
}

/** The body's background as a canvas paints it: [r, g, b] whatever colour syntax the style uses. */
async function bodyBackground(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const context = document.createElement("canvas").getContext("2d")!;
    context.fillStyle = getComputedStyle(document.body).backgroundColor;
    context.fillRect(0, 0, 1, 1);
    return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  });
}
const isDark = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b < 80;

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  // evaluate() runs through the DevTools protocol, outside the page's CSP.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document)).violations as {
      id: string;
      impact: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function signedInPage(width: number, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await newPage(width, colorScheme);
  await signInWithForm(page, baseUrl, admin);
  return page;
}

describe(`layout (${strategy})`, () => {
  for (const width of WIDTHS) {
    it(`at ${width} px no page is wider than the screen and every button can be reached`, async () => {
      const pages: [Page, string[]][] = [
        [await newPage(width), PUBLIC_PAGES],
        [await signedInPage(width), [...SIGNED_IN_PAGES, "/", "/cart", "/onboarding", "/no-such-page"]],
      ];
      for (const [page, paths] of pages) {
        for (const path of paths) {
          await visit(page, path);
          expect(await horizontalOverflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
          expect(await unreachableButtons(page), `${path} at ${width} px`).toEqual([]);
        }
        await page.close();
      }
      expect(cspViolations).toEqual([]);
    });
  }

  it("at 390 px the header folds its links into a menu that opens, navigates and signs out", async () => {
    const page = await signedInPage(390);
    await visit(page, "/dashboard");
    expect(await page.locator('[data-testid="nav-email"]').isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    const menu = page.getByRole("menu");
    await menu.getByRole("menuitem", { name: "Account" }).click();
    await page.waitForURL(url("/account"));
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("menu").getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(url("/"));
    await page.getByText("You are not signed in").waitFor();
    await page.close();
    expect(cspViolations).toEqual([]);
  });

  it("a dark system preference renders dark from the first paint, and the header's toggle switches the theme", async () => {
    const page = await newPage(1280, "dark");
    await visit(page, "/login");
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    expect(isDark(await bodyBackground(page))).toBe(true);

    await page.getByRole("button", { name: "Theme" }).click();
    await page.getByRole("menuitemradio", { name: "Light" }).click();
    await page.waitForFunction(() => !document.documentElement.classList.contains("dark"));
    expect(isDark(await bodyBackground(page))).toBe(false);

    // The choice is remembered: a reload stays light although the system prefers dark.
    await visit(page, "/login");
    expect(isDark(await bodyBackground(page))).toBe(false);

    await page.getByRole("button", { name: "Theme" }).click();
    await page.getByRole("menuitemradio", { name: "System" }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains("dark"));
    expect(isDark(await bodyBackground(page))).toBe(true);
    await page.close();

    // A light system preference renders light.
    const light = await newPage(1280, "light");
    await visit(light, "/login");
    expect(isDark(await bodyBackground(light))).toBe(false);
    await light.close();
    expect(cspViolations).toEqual([]);
  });

  it("signing out other sessions asks first: Cancel changes nothing, Confirm signs them out", async () => {
    const user = await createTestUser(db, "layout-sessions");
    const page = await newPage(390);
    await signInWithForm(page, baseUrl, user);
    await signedInClient(user.email, user.password); // a second browser
    await visit(page, "/account/sessions");
    const rows = page.locator("[data-testid=sessions-table] tbody tr");
    expect(await rows.count()).toBe(2);

    for (const trigger of [
      page.getByRole("button", { name: "Sign out all other sessions" }),
      rows.filter({ hasNotText: "this device" }).getByRole("button", { name: "Sign out this session" }),
    ]) {
      await trigger.click();
      const dialog = page.getByRole("alertdialog");
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      await visit(page, "/account/sessions");
      expect(await rows.count()).toBe(2);
    }

    await page.getByRole("button", { name: "Sign out all other sessions" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Sign out other sessions" }).click();
    await page.getByText("The other session is signed out.").waitFor();
    // The toast comes with the action's answer; the re-rendered list may land a moment later.
    await expect.poll(() => rows.count()).toBe(1);
    // With no other session left, the button is gone.
    expect(await page.getByRole("button", { name: "Sign out all other sessions" }).count()).toBe(0);
    expect(await rows.first().innerText()).toContain("this device");
    await page.close();
    await deleteTestUser(db, user);
    expect(cspViolations).toEqual([]);
  });

  it("the demo users are not shown on /login in a production build", async () => {
    const page = await newPage(1280);
    await visit(page, "/login");
    expect(await page.locator('[data-testid="demo-users"]').count()).toBe(0);
    expect(await page.content()).not.toContain("correct-horse");
    await page.close();
  });

  it("/favicon.ico and the app icons are served", async () => {
    for (const path of ["/favicon.ico", "/icon.svg", "/apple-icon.png"]) {
      const response = await fetch(url(path));
      expect(response.status, path).toBe(200);
    }
  });

  for (const colorScheme of ["light", "dark"] as const) {
    it(`no page has a serious or critical accessibility problem (${colorScheme})`, async () => {
      const problems: string[] = [];
      const pages: [Page, string[]][] = [
        [await newPage(1280, colorScheme), PUBLIC_PAGES],
        [await signedInPage(390, colorScheme), SIGNED_IN_PAGES],
      ];
      for (const [page, paths] of pages) {
        for (const path of paths) {
          await visit(page, path);
          problems.push(...(await seriousAccessibilityProblems(page)).map((p) => `${path}: ${p}`));
        }
        await page.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
