import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../../harness/server";
import { createUser } from "../support/users";

// Two `next start` processes on one database, like two instances behind a load balancer: instance A is the
// runner's server, instance B is started here with the same secret, strategy and database.
const { baseUrl, databaseUrl, strategy, recheckSeconds, changeFeed } = e2eTarget();
const db = e2eDb();
let instanceB: RunningServer;
const createdUserIds: string[] = [];

beforeAll(async () => {
  instanceB = await startServer(
    serverEnv({
      DATABASE_URL: databaseUrl,
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
    }),
  );
});
afterAll(async () => {
  await instanceB?.stop();
  await db.user.deleteMany({ where: { id: { in: createdUserIds } } });
  await db.$disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for any JWT to be due for its database re-check (claimsCheckedAt has whole-second precision). */
const waitPastJwtRecheck = () => sleep((recheckSeconds + 1) * 1000);

/** The same browser (same cookies) talking to the other instance. */
async function newUser(label: string) {
  const email = `e2e-multi-${label}-${randomBytes(4).toString("hex")}@example.com`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const { id } = await createUser(db, { email, password, name: `Multi ${label}` });
  createdUserIds.push(id);
  return { id, email, password };
}

async function signedInOnA(user: { email: string; password: string }): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const response = await client.signIn(user.email, user.password);
  expect(response.status).toBe(302);
  expect(client.sessionCookie).toBeTruthy();
  return client;
}

const roleSeenBy = async (client: HttpClient) =>
  (await client.json<{ user: { role: string } }>("/api/me")).body.user.role;

describe(`two instances on one database (${strategy})`, () => {
  it("a session made on instance A is accepted by instance B", async () => {
    const user = await newUser("accept");
    const onA = await signedInOnA(user);
    const onB = onA.sameBrowserOn(instanceB.url);
    const me = await onB.json<{ user: { id: string; email: string } }>("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: user.id, email: user.email });
  });

  describe.runIf(strategy === "database")("database sessions", () => {
    it("signing out on A ends the session on B at its next request", async () => {
      const user = await newUser("signout");
      const onA = await signedInOnA(user);
      const onB = onA.sameBrowserOn(instanceB.url);
      expect((await onB.json("/api/me")).status).toBe(200);

      await onA.signOut();
      expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
      expect((await onB.json("/api/me")).status).toBe(401);
    });

    it("a role changed in the database is seen by both instances at their next request", async () => {
      const user = await newUser("role");
      const onA = await signedInOnA(user);
      const onB = onA.sameBrowserOn(instanceB.url);
      expect([await roleSeenBy(onA), await roleSeenBy(onB)]).toEqual(["user", "user"]);

      await db.user.update({ where: { id: user.id }, data: { roleName: "admin" } });
      expect([await roleSeenBy(onA), await roleSeenBy(onB)]).toEqual(["admin", "admin"]);
    });
  });

  describe.runIf(strategy === "jwt")("JWT sessions", () => {
    // The cookie is self-contained. Signing out on A clears A's cookie and deletes the Session row, but a
    // copy of the token is checked against that row only every AUTH_JWT_RECHECK_SECONDS, on any instance.
    it("signing out on A: the token keeps working on B until its recheck window ends, then B rejects it", async () => {
      const user = await newUser("signout");
      const onA = await signedInOnA(user);
      const onB = onA.sameBrowserOn(instanceB.url);
      await onA.signOut();
      expect(await db.session.count({ where: { userId: user.id } })).toBe(0);

      await waitPastJwtRecheck();
      expect((await onB.json("/api/me")).status).toBe(401);
      expect((await onB.sameBrowserOn(baseUrl).json("/api/me")).status).toBe(401);
    });

    it.runIf(!changeFeed)(
      "inside the recheck window, B still accepts a token that was signed out on A (the stateless trade-off, SQLite)",
      async () => {
        // Only a run that finishes inside the window proves this; on a slow machine the run is repeated.
        const budgetMs = (recheckSeconds - 1) * 1000;
        for (let attempt = 0; attempt < 3; attempt++) {
          const started = Date.now();
          const user = await newUser(`window${attempt}`);
          const onA = await signedInOnA(user);
          const onB = onA.sameBrowserOn(instanceB.url);
          await onA.signOut();
          const status = (await onB.json("/api/me")).status;
          if (Date.now() - started < budgetMs) {
            expect(status).toBe(200);
            return;
          }
        }
        throw new Error(`No run finished within ${budgetMs} ms: the machine is too slow for this check`);
      },
    );

    it("a role changed in the database is seen by both instances once the recheck window has passed", async () => {
      const user = await newUser("role");
      const onA = await signedInOnA(user);
      const onB = onA.sameBrowserOn(instanceB.url);
      expect([await roleSeenBy(onA), await roleSeenBy(onB)]).toEqual(["user", "user"]);

      await db.user.update({ where: { id: user.id }, data: { roleName: "admin" } });
      await waitPastJwtRecheck();
      expect([await roleSeenBy(onA), await roleSeenBy(onB)]).toEqual(["admin", "admin"]);
    });
  });
});
