import { afterAll, describe, expect, it } from "vitest";
import { hashToken } from "../../lib/auth/random-token";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { BCRYPT_HASH, redirectTarget, signedInClient } from "./helpers";

// Who may see what: /api/auth/session exposes only the claims; pages redirect, forbid or render.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
afterAll(() => db.$disconnect());

/** Fails when the text carries any secret of this client's session or any password hash. */
function expectNoSecrets(text: string, client: HttpClient) {
  const cookie = client.sessionCookie!;
  expect(text).not.toContain(cookie);
  expect(text).not.toContain(hashToken(cookie));
  expect(text).not.toMatch(BCRYPT_HASH);
  expect(text).not.toContain("passwordHash");
}

describe(`/api/auth/session (${strategy})`, () => {
  it.each([
    ["user", DEMO.user, "user"],
    ["admin", DEMO.admin, "admin"],
  ] as const)("signed in as %s it holds only expires and the claims", async (_label, account, role) => {
    const client = await signedInClient(account.email, account.password);
    const response = await client.fetch("/api/auth/session");
    expect(response.status).toBe(200);
    const text = await response.text();
    expectNoSecrets(text, client);

    const body = JSON.parse(text) as { expires: string; user: Record<string, unknown> };
    expect(Object.keys(body).sort()).toEqual(["expires", "user"]);
    expect(Object.keys(body.user).sort()).toEqual(["email", "id", "name", "permissions", "role"]);
    expect(body.user).toMatchObject({ email: account.email, role });
    expect(new Date(body.expires).getTime()).toBeGreaterThan(Date.now());
    const row = await db.user.findUniqueOrThrow({ where: { email: account.email }, select: { id: true } });
    expect(body.user.id).toBe(row.id);
  });

  it("signed out it is null", async () => {
    expect(await new HttpClient(baseUrl).json("/api/auth/session")).toEqual({ status: 200, body: null });
  });
});

describe(`page authorization (${strategy})`, () => {
  it.each([
    ["/dashboard", "/login?callbackUrl=%2Fdashboard"],
    ["/admin", "/login?callbackUrl=%2Fadmin"],
    ["/admin?tab=users&x=1", "/login?callbackUrl=%2Fadmin%3Ftab%3Dusers%26x%3D1"],
  ])("signed out, GET %s redirects to %s", async (path, target) => {
    const response = await new HttpClient(baseUrl).fetch(path);
    expect(response.status).toBe(307);
    expect(redirectTarget(response)).toBe(target);
  });

  it("a signed-in user gets the dashboard with their claims", async () => {
    const client = await signedInClient(DEMO.user.email, DEMO.user.password);
    const response = await client.fetch("/dashboard");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(DEMO.user.email);
    expect(html).toContain(strategy);
    expectNoSecrets(html, client);
  });

  it("a user without users:read gets the 403 page on /admin, without a redirect", async () => {
    const client = await signedInClient(DEMO.user.email, DEMO.user.password);
    const response = await client.fetch("/admin");
    expect(response.status).toBe(403);
    expect(response.headers.get("location")).toBeNull();
    const html = await response.text();
    expect(html).toContain("have access to this page");
    expect(html).not.toContain(DEMO.admin.email); // the user list is not rendered
    // /login for a signed-in user goes to the callback, which is the 403 page again: no loop between them.
    const login = await client.fetch("/login?callbackUrl=%2Fadmin");
    expect(login.status).toBe(307);
    expect(redirectTarget(login)).toBe("/admin");
  });

  it("an admin gets /admin with the users listed and no hashes", async () => {
    const client = await signedInClient(DEMO.admin.email, DEMO.admin.password);
    const response = await client.fetch("/admin");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-testid="users-table"');
    expect(html).toContain(DEMO.admin.email);
    expect(html).toContain(DEMO.user.email);
    expectNoSecrets(html, client);
  });
});
