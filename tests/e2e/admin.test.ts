import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInWithForm, type LaunchedBrowser } from "../support/browser";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { signedInClient } from "./helpers";

// /admin in Chromium: search, paging, filters and sorting through the URL, what a bad query string gets, the
// confirmation before destructive buttons, and a table that fits a phone's width.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
// A word only this run's users have in their name and email, so the shared e2e database's other users never match.
const tag = `pager${randomBytes(4).toString("hex")}`;
const COUNT = 30;
const emailOf = (i: number) => `e2e-${tag}-${String(i).padStart(2, "0")}@example.com`;
let browser: LaunchedBrowser;
let page: Page;

const rowEmails = () =>
  page
    .locator('[data-testid="users-table"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-user-email")));
const summary = () => page.locator('[data-testid="users-summary"]').innerText();

beforeAll(async () => {
  // Names run backwards against emails, so sorting by name and by email give opposite orders.
  await db.user.createMany({
    data: Array.from({ length: COUNT }, (_, i) => ({
      email: emailOf(i),
      name: `Pager ${tag.toUpperCase()} ${String(COUNT - i).padStart(2, "0")}`,
      roleName: i % 10 === 0 ? "admin" : "user",
    })),
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signInWithForm(page, baseUrl, DEMO.admin, "/admin");
});
afterAll(async () => {
  await browser?.close();
  await db.user.deleteMany({ where: { email: { startsWith: `e2e-${tag}-` } } });
  await db.$disconnect();
});

async function search(q: string) {
  await page.goto(`${baseUrl}/admin`);
  await page.fill('input[name="q"]', q);
  await Promise.all([page.waitForURL(/\/admin\?q=/), page.getByRole("button", { name: "Search" }).click()]);
}

describe(`admin users page (${strategy})`, () => {
  it("searches case-insensitively through a GET form and pages through the results", async () => {
    await search(tag.toUpperCase());
    expect(new URL(page.url()).searchParams.get("q")).toBe(tag.toUpperCase());
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Users");
    expect(await rowEmails()).toEqual(Array.from({ length: 25 }, (_, i) => emailOf(i)));
    expect(await summary()).toBe(`Showing 1–25 of ${COUNT} users`);

    const pager = page.locator('[data-testid="users-pagination"]');
    await Promise.all([page.waitForURL(/page=2/), pager.getByRole("link", { name: "Next" }).click()]);
    await expect.poll(rowEmails).toEqual(Array.from({ length: 5 }, (_, i) => emailOf(25 + i)));
    expect(await summary()).toBe(`Showing 26–30 of ${COUNT} users`);
    expect(await pager.locator('[aria-current="page"]').innerText()).toBe("2");
    await Promise.all([
      page.waitForURL((url) => !url.search.includes("page=")),
      pager.getByRole("link", { name: "Page 1" }).click(),
    ]);
    await expect.poll(rowEmails).toHaveLength(25);
  });

  it("filters by role and status, keeping the search, from the form alone", async () => {
    await search(tag);
    await page.selectOption('select[name="role"]', "admin");
    await Promise.all([page.waitForURL(/role=admin/), page.getByRole("button", { name: "Search" }).click()]);
    expect(await rowEmails()).toEqual([emailOf(0), emailOf(10), emailOf(20)]);
    await page.selectOption('select[name="status"]', "disabled");
    await Promise.all([page.waitForURL(/status=disabled/), page.getByRole("button", { name: "Search" }).click()]);
    expect(await page.locator('[data-testid="users-empty"]').innerText()).toBe("No users match.");
  });

  it("sorts by a column header, then flips the direction", async () => {
    await search(tag);
    const header = page.locator('[data-testid="users-table"] thead a[data-sort="name"]');
    await Promise.all([page.waitForURL(/sort=name/), header.click()]);
    // Name ascending is email descending (see beforeAll).
    await expect.poll(async () => (await rowEmails())[0]).toBe(emailOf(COUNT - 1));
    expect(await page.locator('th[aria-sort="ascending"]').innerText()).toContain("Name");
    await Promise.all([
      page.waitForURL(/dir=desc/),
      page.locator('[data-testid="users-table"] thead a[data-sort="name"]').click(),
    ]);
    await expect.poll(async () => (await rowEmails())[0]).toBe(emailOf(0));
    expect(new URL(page.url()).searchParams.get("q")).toBe(tag); // the search survives sorting
  });

  it("answers a malformed query string with 200, the defaults and a message, never an error page", async () => {
    const client = await signedInClient(DEMO.admin.email, DEMO.admin.password);
    const hostile = [
      "page=abc&sort=passwordHash&dir=sideways&status=gone&role=nobody",
      "page=99999999999999999999999&q=" + "x".repeat(5000),
      "page=1&page=2&sort=email&sort=name",
      "q=%00%27%22;DROP%20TABLE%20User&sessionsPage=-3",
      "q=%E0%A4%A&role=%ZZ",
      "__proto__=1&constructor=2",
    ];
    for (const query of hostile) {
      const response = await client.fetch(`/admin?${query}`);
      expect(response.status, query).toBe(200);
      const html = await response.text();
      expect(html, query).toContain('data-testid="user-filters"'); // the page itself, not an error page
      expect(html, query).not.toMatch(/prisma|SQLITE_|syntax error|Invalid `/i);
    }
    await page.goto(`${baseUrl}/admin?page=0&sort=bogus&q=${tag}`);
    const notice = await page.locator('[data-testid="query-problems"]').innerText();
    expect(notice).toContain("“page”");
    expect(notice).toContain("“sort”");
    expect(await rowEmails()).toHaveLength(25); // the good part (the search) still applies
    // A page past the end shows the last page.
    await page.goto(`${baseUrl}/admin?q=${tag}&page=40`);
    expect(await rowEmails()).toHaveLength(5);
  });

  it("asks before disabling: Cancel leaves the account active, Confirm disables it", async () => {
    const email = emailOf(7);
    await page.goto(`${baseUrl}/admin?q=${encodeURIComponent(email)}`);
    const row = page.locator(`tr[data-user-email="${email}"]`);
    const dialog = page.getByRole("alertdialog");

    await row.getByRole("button", { name: "Disable" }).click();
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(email);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    // Give a wrongly submitted form time to land before checking nothing happened.
    await page.reload();
    expect(await row.innerText()).toContain("active");
    expect((await db.user.findUniqueOrThrow({ where: { email } })).active).toBe(true);

    await row.getByRole("button", { name: "Disable" }).click();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await row.locator("text=disabled").waitFor();
    expect((await db.user.findUniqueOrThrow({ where: { email } })).active).toBe(false);
  });

  it("fits a 390 px wide screen: the table scrolls inside its card", async () => {
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${baseUrl}/admin?q=${tag}`);
      await phone.locator('[data-testid="users-table"]').waitFor();
      const widths = await phone.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
      }));
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    } finally {
      await phone.close();
    }
  });
});
