import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { relative } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { bcryptCost, verifyPassword } from "../../lib/password";
import { seedRolesAndPermissions } from "../../lib/seed";
import {
  collect,
  killProcessGroup,
  runScript,
  scriptCommand,
  scriptEnv,
  startScript,
  waitForOutput,
} from "../support/cli";
import { cloneTemplate, projectRoot, type TestDatabase } from "../../harness/databases";
import { createUser } from "../support/users";
import { throttleKeys } from "../../lib/auth/throttle";

// The operator scripts, run as real processes (node + tsx, stdin a pipe, so no terminal) against throwaway
// databases. Every variable the scripts read is set here, so the project's .env (loaded without overriding)
// cannot change what they do.

const template = inject("templateDatabase");
const DAY = 24 * 60 * 60 * 1000;

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: url }));
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}

describe("npm run users:create", () => {
  let database: TestDatabase;
  const run = (args: string[], extra: Record<string, string> = {}) =>
    runScript("create-user.ts", args, scriptEnv(database.url, extra));
  const users = () =>
    withDb(database.url, (db) =>
      db.user.findMany({ select: { email: true, roleName: true, name: true, passwordHash: true, updatedAt: true } }),
    );

  beforeAll(async () => {
    database = await cloneTemplate(template);
    await withDb(database.url, seedRolesAndPermissions);
  });
  afterAll(() => database.drop());

  it("creates a user with the password from USER_PASSWORD, hashed at AUTH_BCRYPT_COST", async () => {
    const result = await run(["--email", "Ann@Example.com", "--name", "Ann", "--role", "admin"], {
      USER_PASSWORD: "correct-horse-ann",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created user ann@example.com with role "admin"');
    const [ann] = await users();
    expect(ann).toMatchObject({ email: "ann@example.com", roleName: "admin", name: "Ann" });
    expect(bcryptCost(ann.passwordHash!)).toBe(4);
    expect(await verifyPassword("correct-horse-ann", ann.passwordHash!)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain("correct-horse-ann");
  });

  it("refuses a duplicate email (any case) and changes nothing", async () => {
    const before = await users();
    const result = await run(["--email", "ANN@example.com", "--role", "user"], { USER_PASSWORD: "another-password" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("A user with email ann@example.com already exists; nothing was changed.");
    expect(await users()).toEqual(before);
  });

  it("refuses a role that does not exist and lists the valid ones", async () => {
    const result = await run(["--email", "bob@example.com", "--role", "boss"], { USER_PASSWORD: "correct-horse-bob" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown role "boss". Valid roles: admin, user.');
    expect((await users()).map((u) => u.email)).toEqual(["ann@example.com"]);
  });

  it("refuses --password on the command line, with the reason", async () => {
    for (const args of [["--password", "hunter2-hunter2"], ["--password=hunter2-hunter2"]]) {
      const result = await run(["--email", "bob@example.com", ...args], { USER_PASSWORD: "correct-horse-bob" });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("--password is not accepted");
      expect(result.stderr).toContain("shell history");
    }
    expect((await users()).map((u) => u.email)).toEqual(["ann@example.com"]);
  });

  it("without a terminal and without USER_PASSWORD, says how to give a password", async () => {
    const result = await run(["--email", "bob@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No password: set USER_PASSWORD in the environment, or run this in a terminal");
    expect((await users()).map((u) => u.email)).toEqual(["ann@example.com"]);
  });

  it("applies the registration rules to the email and the password", async () => {
    const badEmail = await run(["--email", "not-an-email"], { USER_PASSWORD: "correct-horse-bob" });
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain("--email: Enter a valid email address.");
    const shortPassword = await run(["--email", "bob@example.com"], { USER_PASSWORD: "short" });
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toContain("Password must be at least 8 characters.");
    expect((await users()).map((u) => u.email)).toEqual(["ann@example.com"]);
  });

  // `script` (util-linux) gives the process a real terminal, so the hidden prompt is exercised end to end.
  it.skipIf(!existsSync("/usr/bin/script"))(
    "in a terminal, asks for the password twice without echoing it",
    async () => {
      const command = scriptCommand("create-user.ts", ["--email", "tty@example.com"])
        .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
        .join(" ");
      const child = spawn("/usr/bin/script", ["-qec", command, "/dev/null"], {
        cwd: projectRoot,
        env: scriptEnv(database.url),
      });
      const done = collect(child);
      await waitForOutput(child, "Password: ");
      child.stdin.write("typed-secret-1\r");
      await waitForOutput(child, "Repeat password: ");
      child.stdin.write("typed-secret-1\r");
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Created user tty@example.com with role "user"');
      expect(result.stdout).not.toContain("typed-secret-1");
      const tty = (await users()).find((u) => u.email === "tty@example.com");
      expect(await verifyPassword("typed-secret-1", tty!.passwordHash!)).toBe(true);
    },
  );
});

describe("npm run sessions", () => {
  let database: TestDatabase;
  let alice: string;
  const run = (args: string[]) => runScript("sessions.ts", args, scriptEnv(database.url));
  const sessionIds = () =>
    withDb(database.url, async (db) => (await db.session.findMany({ select: { id: true } })).map((s) => s.id));

  beforeAll(async () => {
    database = await cloneTemplate(template);
    await withDb(database.url, async (db) => {
      await seedRolesAndPermissions(db);
      alice = (await createUser(db, { email: "alice@example.com", role: "admin" })).id;
      const bob = (await createUser(db, { email: "bob@example.com" })).id;
      const session = (id: string, userId: string, expires: Date) =>
        db.session.create({
          data: { id, sessionToken: `secret-hash-${id}`, userId, expires, userAgent: "Firefox", ip: "192.0.2.7" },
        });
      await session("alice-laptop", alice, new Date(Date.now() + DAY));
      await session("alice-phone", alice, new Date(Date.now() + DAY));
      await session("alice-expired", alice, new Date(Date.now() - DAY));
      await session("bob-desktop", bob, new Date(Date.now() + DAY));
      const jwtSession = (id: string, expires: Date) =>
        db.session.create({ data: { id, strategy: "jwt", userId: bob, expires } });
      await jwtSession("bob-jwt", new Date(Date.now() + DAY));
      await jwtSession("bob-jwt-expired", new Date(Date.now() - DAY));
    });
  });
  afterAll(() => database.drop());

  it("lists active sessions of every user made by the strategy in use, without the stored token hashes", async () => {
    const result = await run(["list"]);
    expect(result.code).toBe(0);
    for (const id of ["alice-laptop", "alice-phone", "bob-desktop"]) expect(result.stdout).toContain(id);
    expect(result.stdout).not.toContain("expired");
    expect(result.stdout).not.toContain("secret-hash");
    expect(result.stdout).not.toContain("bob-jwt"); // a JWT session cannot sign anyone in under the database strategy
    expect(result.stdout).toMatch(/^bob-desktop\s+database\s+bob@example\.com/m);
    expect(result.stdout).toContain("192.0.2.7");
    expect(result.stdout).toContain("3 active session(s).");

    const jwt = await runScript("sessions.ts", ["list"], scriptEnv(database.url, { AUTH_SESSION_STRATEGY: "jwt" }));
    expect(jwt.code).toBe(0);
    expect(jwt.stdout).toMatch(/^bob-jwt\s+jwt\s+bob@example\.com/m);
    expect(jwt.stdout).toContain("1 active session(s).");
  });

  it("lists one user's sessions with --user, and rejects unknown emails", async () => {
    const result = await run(["list", "--user", "Alice@Example.com"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("alice-laptop");
    expect(result.stdout).not.toContain("bob");

    const unknown = await run(["list", "--user", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No user with email nobody@example.com.");
  });

  it("revokes one session by id and reports unknown ids", async () => {
    const result = await run(["revoke", "alice-phone"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Revoked session alice-phone.");
    expect(await sessionIds()).not.toContain("alice-phone");

    const again = await run(["revoke", "alice-phone"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("No session with id alice-phone");
  });

  it("revokes all of a user's sessions with --user, and rejects unknown emails", async () => {
    const result = await run(["revoke", "--user", "bob@example.com"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Revoked 3 session(s) of bob@example.com.");
    expect((await sessionIds()).sort()).toEqual(["alice-expired", "alice-laptop"]);

    const unknown = await run(["revoke", "--user", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No user with email nobody@example.com.");
  });

  it("refuses a bad --batch-size or --pause-ms, deleting nothing", async () => {
    const before = (await sessionIds()).sort();
    for (const args of [["--batch-size", "0"], ["--pause-ms=-5"], ["--pause-ms", "soon"], ["--pause-ms", "1.5"]]) {
      const result = await run(["purge-expired", ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`${args[0].split("=")[0]} must be`));
    }
    expect((await sessionIds()).sort()).toEqual(before);
  });

  it("purges expired sessions and keeps active ones", async () => {
    const result = await run(["purge-expired", "--batch-size", "1", "--pause-ms", "0"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Deleted 1 expired session(s), ");
    expect(await sessionIds()).toEqual(["alice-laptop"]);
  });

  it("purge-expired deletes never-confirmed accounts once AUTH_UNCONFIRMED_ACCOUNT_DAYS old (confirmation required) and counters past every limit's window", async () => {
    const MINUTE = 60 * 1000;
    const ago = (ms: number) => new Date(Date.now() - ms);
    await withDb(database.url, async (db) => {
      for (const [email, days] of [
        ["stale-unconfirmed@example.com", 8],
        ["new-unconfirmed@example.com", 2],
      ] as const) {
        const { id } = await createUser(db, { email, verified: false });
        await db.user.update({ where: { id }, data: { createdAt: ago(days * DAY) } });
      }
      const counter = (key: string, windowStart: Date, lockedUntil: Date | null = null) =>
        db.signInThrottle.create({ data: { key, failures: 3, windowStart, lockedUntil } });
      // Forgot-password counters (per mailbox and per client address) count for an hour.
      await counter(throttleKeys.emailTo("reset@example.com"), ago(30 * MINUTE));
      await counter(throttleKeys.emailFrom("198.51.100.4"), ago(30 * MINUTE));
      await counter(throttleKeys.emailTo("old-reset@example.com"), ago(61 * MINUTE));
      await counter(throttleKeys.registration("198.51.100.4"), ago(3 * 60 * MINUTE));
      await counter(throttleKeys.account("old@example.com"), ago(61 * MINUTE));
      await counter(throttleKeys.account("locked@example.com"), ago(3 * 60 * MINUTE), new Date(Date.now() + DAY));
    });
    const purge = (extra: Record<string, string>) =>
      runScript(
        "sessions.ts",
        ["purge-expired"],
        scriptEnv(database.url, { AUTH_UNCONFIRMED_ACCOUNT_DAYS: "7", ...extra }),
      );
    const emails = () =>
      withDb(database.url, async (db) => (await db.user.findMany({ select: { email: true } })).map((u) => u.email));
    const counters = () =>
      withDb(database.url, async (db) =>
        (await db.signInThrottle.findMany({ select: { key: true } })).map((r) => r.key),
      );

    // Confirmation optional: an unconfirmed account is a working one. A 2-hour sign-in window keeps every counter
    // younger than that (one window for all: the longest).
    const optional = await purge({ AUTH_EMAIL_VERIFICATION: "optional", AUTH_SIGNIN_WINDOW_SECONDS: "7200" });
    expect(optional.code).toBe(0);
    expect(optional.stdout).toContain("0 never-confirmed account(s) and 1 stale throttle counter(s).");
    expect(await emails()).toContain("stale-unconfirmed@example.com");
    expect(await counters()).toContain(throttleKeys.account("old@example.com"));
    expect(await counters()).toContain(throttleKeys.emailTo("old-reset@example.com"));

    const required = await purge({ AUTH_EMAIL_VERIFICATION: "required", AUTH_SIGNIN_WINDOW_SECONDS: "900" });
    expect(required.code).toBe(0);
    expect(required.stdout).toContain("1 never-confirmed account(s) and 2 stale throttle counter(s).");
    expect((await emails()).sort()).toEqual(["alice@example.com", "bob@example.com", "new-unconfirmed@example.com"]);
    expect((await counters()).sort()).toEqual(
      [
        throttleKeys.emailTo("reset@example.com"),
        throttleKeys.emailFrom("198.51.100.4"),
        throttleKeys.account("locked@example.com"),
      ].sort(),
    );
  });

  it("prints the usage for an unknown or missing command", async () => {
    for (const args of [["frobnicate"], []]) {
      const result = await run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Usage:");
      expect(result.stderr).toContain("npm run sessions -- revoke --user <email>");
    }
    expect(await sessionIds()).toEqual(["alice-laptop"]);
  });
});

describe("npm run users:unlock", () => {
  let database: TestDatabase;
  const run = (args: string[]) => runScript("unlock-user.ts", args, scriptEnv(database.url));
  beforeAll(async () => {
    database = await cloneTemplate(template);
    await withDb(database.url, async (db) => {
      await seedRolesAndPermissions(db);
      const { id } = await createUser(db, { email: "locked@example.com" });
      const lockedUntil = new Date(Date.now() + DAY);
      for (const key of ["account:locked@example.com", `password-check:${id}`, "account:other@example.com"]) {
        await db.signInThrottle.create({ data: { key, failures: 99, lockedUntil } });
      }
    });
  });
  afterAll(() => database.drop());

  it("lifts the account's sign-in and password-change lockouts, and only those", async () => {
    const result = await run(["--email", "Locked@Example.com"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Unlocked locked@example.com.");
    const keys = await withDb(database.url, async (db) =>
      (await db.signInThrottle.findMany({ select: { key: true } })).map((r) => r.key),
    );
    expect(keys).toEqual(["account:other@example.com"]);
    expect((await run(["--email", "locked@example.com"])).stdout).toContain("locked@example.com was not locked.");
  });

  it("refuses a missing or malformed --email and unknown users", async () => {
    expect((await run([])).code).toBe(1);
    expect((await run(["--email", "not-an-email"])).stderr).toContain("--email: Enter a valid email address");
    const unknown = await run(["--email", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No user with email nobody@example.com.");
  });
});

describe("npm run db:reset and db:seed", () => {
  let database: TestDatabase;
  const emails = () =>
    withDb(database.url, async (db) =>
      (await db.user.findMany({ select: { email: true }, orderBy: { email: "asc" } })).map((u) => u.email),
    );

  beforeAll(async () => {
    database = await cloneTemplate(template);
  });
  afterAll(() => database.drop());

  it("db:seed refuses the published demo passwords when NODE_ENV=production, writing nothing", async () => {
    const result = await runScript("seed.ts", [], scriptEnv(database.url, { NODE_ENV: "production" }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Refusing to seed admin@example.com, user@example.com with the published demo password in production",
    );
    expect(await withDb(database.url, (db) => db.role.count())).toBe(0);
  });

  it("db:reset refuses to run without --yes when there is no terminal, and in production without --force-production", async () => {
    await withDb(database.url, async (db) => {
      await seedRolesAndPermissions(db);
      await createUser(db, { email: "keep-me@example.com" });
    });
    const noYes = await runScript("db-reset.ts", [], scriptEnv(database.url));
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toContain("Pass --yes to confirm");
    const production = await runScript("db-reset.ts", ["--yes"], scriptEnv(database.url, { NODE_ENV: "production" }));
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('NODE_ENV is "production": refusing');
    expect(await emails()).toEqual(["keep-me@example.com"]);
  });

  it("db:reset --yes deletes all data, re-applies the migrations and seeds", async () => {
    const result = await runScript("db-reset.ts", ["--yes"], scriptEnv(database.url));
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Database reset. Seeded roles, permissions and users: admin@example.com, user@example.com.",
    );
    expect(await emails()).toEqual(["admin@example.com", "user@example.com"]);
    const admin = await withDb(database.url, (db) =>
      db.user.findUniqueOrThrow({
        where: { email: "admin@example.com" },
        select: { roleName: true, passwordHash: true },
      }),
    );
    expect(admin.roleName).toBe("admin");
    expect(await verifyPassword("correct-horse-admin", admin.passwordHash!)).toBe(true);
  });
});

describe("npm run db:studio", () => {
  let database: TestDatabase;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    database = await cloneTemplate(template);
    await withDb(database.url, async (db) => {
      await seedRolesAndPermissions(db);
      await createUser(db, { email: "studio-marker@example.com" });
    });
  });
  afterAll(async () => {
    // Only matters when the test failed before Studio stopped: nothing may outlive the run.
    if (child) killProcessGroup(child);
    await database.drop();
  });

  function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
      server.on("error", reject);
    });
  }

  it("serves the configured database (a relative SQLite URL included) and stops when its PID is killed", async () => {
    // Relative to the project root, like the default file:./prisma/dev.db, which Studio 7 cannot open as given.
    const url =
      template.provider === "sqlite"
        ? `file:./${relative(projectRoot, database.url.replace(/^file:/, ""))}`
        : database.url;
    const port = await freePort();
    const studio = startScript("db-studio.ts", ["--browser", "none", "--port", String(port)], scriptEnv(url));
    child = studio;
    const exited = collect(studio);
    try {
      await waitForOutput(studio, "Prisma Studio is running at");
      const response = await fetch(`http://127.0.0.1:${port}/bff`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ procedure: "query", query: { sql: 'SELECT email FROM "User"', parameters: [] } }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([null, [{ email: "studio-marker@example.com" }]]);
    } finally {
      studio.kill("SIGTERM"); // by PID: the script must pass it on to Prisma
    }
    const result = await exited;
    expect(result.stdout).toContain(
      `Opening Prisma Studio on the ${template.provider === "sqlite" ? "SQLite file" : "PostgreSQL database"}`,
    );
    // The script waits for Prisma to exit, so nothing listens on the port any more.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
