import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashToken } from "../../lib/auth/random-token";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { E2E_SECRET } from "../../harness/server";
import {
  clearsSessionCookie,
  createTestUser,
  deleteTestUser,
  redirectTarget,
  SESSION_COOKIE,
  sessionRowsOf,
  signedInClient,
  UUID_SHAPE,
  type TestUser,
} from "./helpers";

// What a sign-in leaves behind (cookie and rows) and how sign-out and revocation end it, per strategy.

const { strategy } = e2eTarget();
const db = e2eDb();
let user: TestUser;

beforeAll(async () => {
  user = await createTestUser(db, "sessions");
});
beforeEach(async () => {
  // Each test starts with no sessions for its user, so it can count exactly what it creates.
  await db.session.deleteMany({ where: { userId: user.id } });
});
afterAll(async () => {
  await deleteTestUser(db, user);
  await db.$disconnect();
});

describe.runIf(strategy === "database")("database sessions", () => {
  it("a sign-in creates exactly one Session row holding sha256(cookie), never the cookie", async () => {
    const client = await signedInClient(user.email, user.password);
    const cookie = client.sessionCookie!;

    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes = 256 bits, base64url without padding
    expect(Buffer.from(cookie, "base64url")).toHaveLength(32);
    const after = await sessionRowsOf(db, user.id);
    expect(after).toHaveLength(1);
    const row = after[0];
    expect(row.strategy).toBe("database");
    expect(row.sessionToken).toBe(hashToken(cookie));
    expect(row.sessionToken).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.session.findFirst({ where: { sessionToken: cookie } })).toBeNull();
    expect(row.expires.getTime()).toBeGreaterThan(Date.now());
  });

  it("20 sign-ins give 20 different random cookies and 20 rows", async () => {
    const clients = [];
    for (let i = 0; i < 20; i++) clients.push(await signedInClient(user.email, user.password));
    const cookies = clients.map((c) => c.sessionCookie!);

    expect(new Set(cookies).size).toBe(20);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie).not.toMatch(UUID_SHAPE);
    }
    const rows = await db.session.findMany({ where: { userId: user.id }, select: { sessionToken: true } });
    expect(new Set(rows.map((r) => r.sessionToken))).toEqual(new Set(cookies.map(hashToken)));
  });

  it("signing in again from the same browser replaces its session (no fixation)", async () => {
    const client = await signedInClient(user.email, user.password);
    const first = client.sessionCookie!;
    await client.signIn(user.email, user.password);
    const second = client.sessionCookie!;

    expect(second).not.toBe(first);
    const rows = await db.session.findMany({ where: { userId: user.id }, select: { sessionToken: true } });
    expect(rows.map((r) => r.sessionToken)).toEqual([hashToken(second)]);
  });

  it("sign-out deletes the row and clears the cookie; the old cookie is dead", async () => {
    const client = await signedInClient(user.email, user.password);
    const cookie = client.sessionCookie!;
    expect((await client.json("/api/me")).status).toBe(200);

    const response = await client.signOut();
    expect(response.status).toBe(302);
    expect(clearsSessionCookie(response)).toBe(true);
    expect(client.sessionCookie).toBeUndefined();
    expect(await db.session.findUnique({ where: { sessionToken: hashToken(cookie) } })).toBeNull();

    client.cookies.set(SESSION_COOKIE, cookie); // replaying the cookie after sign-out
    expect((await client.json("/api/me")).status).toBe(401);
  });

  it("deleting the row by hand signs the client out on its next request", async () => {
    const client = await signedInClient(user.email, user.password);
    expect((await client.json("/api/me")).status).toBe(200);

    await db.session.delete({ where: { sessionToken: hashToken(client.sessionCookie!) } });

    expect((await client.json("/api/me")).status).toBe(401);
    const page = await client.fetch("/dashboard");
    expect(page.status).toBe(307);
    expect(redirectTarget(page)).toBe("/login?callbackUrl=%2Fdashboard");
  });

  it("a row whose expiry has passed is refused and removed", async () => {
    const client = await signedInClient(user.email, user.password);
    const sessionToken = hashToken(client.sessionCookie!);
    await db.session.update({ where: { sessionToken }, data: { expires: new Date(Date.now() - 60_000) } });

    expect((await client.json("/api/me")).status).toBe(401);
    expect(await db.session.findUnique({ where: { sessionToken } })).toBeNull();
  });
});

describe.runIf(strategy === "jwt")("JWT sessions", () => {
  it("a sign-in creates one Session row without a token, named by the encrypted JWT (JWE) cookie's sid", async () => {
    const client = await signedInClient(user.email, user.password);
    const cookie = client.sessionCookie!;

    // JWE compact serialization: header.encryptedKey.iv.ciphertext.tag ("dir" leaves the key part empty).
    const parts = cookie.split(".");
    expect(parts).toHaveLength(5);
    expect(JSON.parse(Buffer.from(parts[0], "base64url").toString())).toMatchObject({
      alg: "dir",
      enc: "A256CBC-HS512",
    });
    // The claims are encrypted: the email is not readable from the cookie.
    expect(Buffer.from(parts[3], "base64url").toString("latin1")).not.toContain(user.email);

    const after = await sessionRowsOf(db, user.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ strategy: "jwt", sessionToken: null });
    const token = await decode({ token: cookie, secret: E2E_SECRET, salt: SESSION_COOKIE });
    expect(token?.sid).toBe(after[0].id);
    expect(
      await db.session.findFirst({
        where: { OR: [{ sessionToken: cookie }, { sessionToken: hashToken(cookie) }] },
      }),
    ).toBeNull();
  });

  it("sign-out clears the cookie and forgets the session record", async () => {
    const client = await signedInClient(user.email, user.password);
    expect((await client.json("/api/me")).status).toBe(200);
    expect(await sessionRowsOf(db, user.id)).toHaveLength(1);

    const response = await client.signOut();
    expect(response.status).toBe(302);
    expect(clearsSessionCookie(response)).toBe(true);
    expect(client.sessionCookie).toBeUndefined();
    expect((await client.json("/api/me")).status).toBe(401);
    expect(await sessionRowsOf(db, user.id)).toHaveLength(0);
  });
});
