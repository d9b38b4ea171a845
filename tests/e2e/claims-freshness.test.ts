import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../lib/permissions";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import type { HttpClient } from "../../harness/http-client";
import {
  createTestUser,
  deleteTestUser,
  redirectTarget,
  sessionRowsOf,
  signedInClient,
  eventually,
  waitPastJwtRecheck,
  withinJwtRecheckWindow,
  type TestUser,
} from "./helpers";

// Role changes and disabled accounts, made in the database behind the app's back: database sessions see them on
// the very next request; JWT sessions on PostgreSQL as soon as the database announces them (change feed), on
// SQLite (a change from another process) after AUTH_JWT_RECHECK_SECONDS.

const { strategy, changeFeed } = e2eTarget();
const db = e2eDb();
const ALL_ADMIN_PERMISSIONS = Object.values(PERMISSIONS).sort();

type Me = { user: { email: string; role: string; permissions: string[] } };

const setDemoUserRole = (roleName: string) => db.user.update({ where: { email: DEMO.user.email }, data: { roleName } });

afterEach(async () => {
  await setDemoUserRole("user"); // the demo user is shared with the other e2e files
});
afterAll(() => db.$disconnect());

async function expectAdmin(client: HttpClient) {
  const me = await client.json<Me>("/api/me");
  expect(me.status).toBe(200);
  expect(me.body.user.role).toBe("admin");
  expect([...me.body.user.permissions].sort()).toEqual(ALL_ADMIN_PERMISSIONS);
  expect((await client.fetch("/admin")).status).toBe(200);
}

describe(`role changes (${strategy})`, () => {
  it.runIf(strategy === "database")("promoting user@example.com shows on the very next request", async () => {
    const client = await signedInClient(DEMO.user.email, DEMO.user.password);
    expect((await client.json<Me>("/api/me")).body.user).toMatchObject({ role: "user", permissions: [] });
    expect((await client.fetch("/admin")).status).toBe(403);

    await setDemoUserRole("admin");
    await expectAdmin(client);

    await setDemoUserRole("user");
    expect((await client.json<Me>("/api/me")).body.user).toMatchObject({ role: "user", permissions: [] });
    expect((await client.fetch("/admin")).status).toBe(403);
  });

  it.runIf(strategy === "jwt" && !changeFeed)(
    "promoting user@example.com shows only after the recheck window",
    async () => {
      const { client, me, admin } = await withinJwtRecheckWindow(async () => {
        await setDemoUserRole("user");
        const client = await signedInClient(DEMO.user.email, DEMO.user.password);
        await setDemoUserRole("admin");
        const me = await client.json<Me>("/api/me");
        const admin = await client.fetch("/admin");
        return { client, me, admin };
      });
      // The token still carries the claims it was issued with.
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ role: "user", permissions: [] });
      expect(admin.status).toBe(403);

      await waitPastJwtRecheck();
      await expectAdmin(client);
    },
  );

  it.runIf(changeFeed)(
    "promoting user@example.com shows at once, inside the recheck window (change feed)",
    async () => {
      const role = await withinJwtRecheckWindow(async () => {
        await setDemoUserRole("user");
        const client = await signedInClient(DEMO.user.email, DEMO.user.password);
        expect((await client.json<Me>("/api/me")).body.user.role).toBe("user");
        await setDemoUserRole("admin");
        const me = await eventually(
          () => client.json<Me>("/api/me"),
          (me) => me.body.user?.role === "admin",
        );
        return me.body.user.role;
      });
      expect(role).toBe("admin");
    },
  );
});

describe(`disabled accounts (${strategy})`, () => {
  let user: TestUser | undefined;
  afterEach(async () => {
    if (user) await deleteTestUser(db, user);
    user = undefined;
  });

  it.runIf(strategy === "database")(
    "a disabled user is signed out on the next request and the row removed",
    async () => {
      const { id, email, password } = (user = await createTestUser(db, "disabled"));
      const client = await signedInClient(email, password);
      expect((await client.json("/api/me")).status).toBe(200);

      await db.user.update({ where: { id }, data: { active: false } });

      expect((await client.json("/api/me")).status).toBe(401);
      expect(await sessionRowsOf(db, id)).toHaveLength(0);
      const page = await client.fetch("/dashboard");
      expect(page.status).toBe(307);
      expect(redirectTarget(page)).toBe("/login?callbackUrl=%2Fdashboard");
    },
  );

  it.runIf(strategy === "jwt" && !changeFeed)(
    "a disabled user is signed out once the recheck window has passed",
    async () => {
      const { id, email, password } = (user = await createTestUser(db, "disabled"));
      const { client, status } = await withinJwtRecheckWindow(async () => {
        await db.user.update({ where: { id }, data: { active: true } });
        const client = await signedInClient(email, password);
        await db.user.update({ where: { id }, data: { active: false } });
        return { client, status: (await client.json("/api/me")).status };
      });
      expect(status).toBe(200); // not re-checked yet

      await waitPastJwtRecheck();
      expect((await client.json("/api/me")).status).toBe(401);
      expect(await client.json("/api/auth/session")).toEqual({ status: 200, body: null });
      expect(await sessionRowsOf(db, id)).toHaveLength(0);
    },
  );

  it.runIf(changeFeed)("a disabled user is signed out at once, inside the recheck window (change feed)", async () => {
    const { id, email, password } = (user = await createTestUser(db, "disabled-feed"));
    const status = await withinJwtRecheckWindow(async () => {
      await db.user.update({ where: { id }, data: { active: true } });
      const client = await signedInClient(email, password);
      expect((await client.json("/api/me")).status).toBe(200);
      await db.user.update({ where: { id }, data: { active: false } });
      return (
        await eventually(
          () => client.json("/api/me"),
          (me) => me.status === 401,
        )
      ).status;
    });
    expect(status).toBe(401);
  });
});
