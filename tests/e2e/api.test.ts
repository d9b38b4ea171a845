import { afterAll, describe, expect, it } from "vitest";
import { hashToken } from "../../lib/auth/random-token";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
afterAll(() => db.$disconnect());

describe(`API routes (${strategy})`, () => {
  it("GET /api/health answers 200 when the database is up", async () => {
    const { status, body } = await new HttpClient(baseUrl).json("/api/health");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true });
  });

  it("GET /api/me is 401 signed out and returns the claims signed in", async () => {
    const client = new HttpClient(baseUrl);
    expect((await client.json("/api/me")).status).toBe(401);
    await client.signIn(DEMO.user.email, DEMO.user.password);
    const { status, body } = await client.json<{ user: Record<string, unknown>; strategy: string }>("/api/me");
    expect(status).toBe(200);
    expect(body.strategy).toBe(strategy);
    expect(body.user).toMatchObject({ email: DEMO.user.email, role: "user", permissions: [] });
  });

  it("GET /api/admin/users is 401 / 403 / 200 without secrets", async () => {
    const anonymous = new HttpClient(baseUrl);
    expect((await anonymous.json("/api/admin/users")).status).toBe(401);

    const user = new HttpClient(baseUrl);
    await user.signIn(DEMO.user.email, DEMO.user.password);
    expect((await user.json("/api/admin/users")).status).toBe(403);

    const admin = new HttpClient(baseUrl);
    await admin.signIn(DEMO.admin.email, DEMO.admin.password);
    const response = await admin.fetch("/api/admin/users");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(DEMO.user.email);
    expect(text).not.toMatch(/passwordHash|\$2[aby]\$/);
    expect(text).not.toContain(admin.sessionCookie!);
    expect(text).not.toContain(hashToken(admin.sessionCookie!));

    // One page at a time, with /admin's query string; a bad value falls back to its default and is named.
    const found = await admin.json<{ users: { email: string }[]; total: number; pageSize: number; problems: string[] }>(
      `/api/admin/users?q=${encodeURIComponent(DEMO.user.email)}&page=abc&page=2`,
    );
    expect(found.status).toBe(200);
    expect(found.body.users.map((u) => u.email)).toEqual([DEMO.user.email]);
    expect(found.body).toMatchObject({ total: 1, pageSize: 25 });
    expect(found.body.problems).toEqual([expect.stringContaining("“page”")]);
  });
});
