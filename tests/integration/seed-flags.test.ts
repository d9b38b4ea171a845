import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { verifyPassword } from "../../lib/password";
import { cloneTemplate, type TestDatabase } from "../../harness/databases";
import { runScript, scriptEnv } from "../support/cli";

// What the operator scripts take as input besides a database: their flags (an unknown one is refused with the
// usage, before anything is touched) and, for db:seed / db:reset, the SEED_* variables, which must pass the same
// rules as a registration (email format, password length and zxcvbn strength). A refusal writes nothing.

const template = inject("templateDatabase");

describe("script flags and seed inputs", () => {
  let database: TestDatabase;
  const withDb = async <T>(fn: (db: Db) => Promise<T>) => {
    const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: database.url }));
    try {
      return await fn(db);
    } finally {
      await db.$disconnect();
    }
  };
  const contents = () =>
    withDb(async (db) => ({
      roles: await db.role.count(),
      users: (await db.user.findMany({ select: { email: true }, orderBy: { email: "asc" } })).map((u) => u.email),
    }));
  const seed = (extra: Record<string, string>, args: string[] = []) =>
    runScript("seed.ts", args, scriptEnv(database.url, extra));

  beforeAll(async () => {
    database = await cloneTemplate(template);
  });
  afterAll(() => database.drop());

  it("every script refuses an unknown flag (or a stray argument) with its usage, changing nothing", async () => {
    const runs: [string, string[], string][] = [
      ["seed.ts", ["--bogus"], "Unknown option --bogus"],
      ["seed.ts", ["admin@example.com"], 'Unexpected argument "admin@example.com"'],
      ["create-user.ts", ["--email", "ann@example.com", "--bogus"], "Unknown option --bogus"],
      ["unlock-user.ts", ["--email", "ann@example.com", "--bogus"], "Unknown option --bogus"],
      ["sessions.ts", ["purge-expired", "--bogus"], "Unknown option --bogus"],
      ["db-reset.ts", ["--yes", "--bogus"], "Unknown option --bogus"],
      ["db-reset.ts", ["--yes", "now"], 'Unexpected argument "now"'],
      ["db-studio.ts", ["--bogus"], "Unknown option --bogus"],
      ["db-studio.ts", ["--port", "http"], '--port must be a port number (1–65535), got "http"'],
      ["db-migrate.ts", ["--bogus"], "Unknown option --bogus"],
      ["db-change.ts", ["--bogus"], "Unknown option --bogus"],
    ];
    const before = await contents();
    const env = scriptEnv(database.url, { USER_PASSWORD: "correct-horse-ann" });
    const results = await Promise.all(runs.map(([script, args]) => runScript(script, args, env)));
    for (const [index, [script, args, message]] of runs.entries()) {
      const label = `${script} ${args.join(" ")}`;
      expect(results[index].code, label).toBe(1);
      expect(results[index].stderr, label).toContain(message);
      expect(results[index].stderr, label).toMatch(/Usage:\s+npm run/);
      expect(results[index].stderr, label).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await contents()).toEqual(before);
  });

  it("db:seed checks every SEED_* value with the registration rules and writes nothing when one fails", async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ SEED_ADMIN_EMAIL: "not-an-email" }, ["SEED_ADMIN_EMAIL: Enter a valid email address."]],
      [
        { SEED_USER_EMAIL: `${"a".repeat(250)}@example.com` },
        ["SEED_USER_EMAIL: Email must be at most 254 characters."],
      ],
      [{ SEED_USER_PASSWORD: "short" }, ["SEED_USER_PASSWORD: Password must be at least 8 characters."]],
      [{ SEED_ADMIN_PASSWORD: "password123" }, ["SEED_ADMIN_PASSWORD: This password is too easy to guess."]],
      // Built from the account's own address: weak for that account (zxcvbn's user inputs).
      [{ SEED_ADMIN_EMAIL: "grace.hopper@example.com", SEED_ADMIN_PASSWORD: "gracehopper" }, ["SEED_ADMIN_PASSWORD: "]],
      [
        { SEED_ADMIN_PASSWORD: "tab\there-is-long" },
        ["SEED_ADMIN_PASSWORD: Your password contains a control character"],
      ],
      [
        { SEED_ADMIN_EMAIL: "same@example.com", SEED_USER_EMAIL: "Same@Example.com" },
        ["The admin and the user account would both be same@example.com"],
      ],
      [
        { SEED_ADMIN_EMAIL: "nope", SEED_USER_PASSWORD: "short" },
        ["SEED_ADMIN_EMAIL: Enter a valid email address.", "SEED_USER_PASSWORD: Password must be at least 8"],
      ],
    ];
    const results = await Promise.all(cases.map(([extra]) => seed(extra)));
    for (const [index, [extra, messages]] of cases.entries()) {
      const label = JSON.stringify(extra);
      expect(results[index].code, label).toBe(1);
      for (const message of messages) expect(results[index].stderr, label).toContain(message);
      expect(results[index].stderr, label).toContain("Nothing was changed.");
      expect(results[index].stderr, label).not.toMatch(/\n\s+at /);
    }
    expect(await contents()).toEqual({ roles: 0, users: [] });
  });

  it("db:reset refuses bad SEED_* values before deleting anything", async () => {
    await seed({});
    const before = await contents();
    const result = await runScript(
      "db-reset.ts",
      ["--yes"],
      scriptEnv(database.url, { SEED_ADMIN_PASSWORD: "password123" }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SEED_ADMIN_PASSWORD: This password is too easy to guess.");
    expect(await contents()).toEqual(before);
  });

  it("db:seed creates the accounts from valid SEED_* values (address normalised, password hashed)", async () => {
    await withDb((db) => db.user.deleteMany());
    const result = await seed({
      SEED_ADMIN_EMAIL: "  Boss@Example.COM ",
      SEED_ADMIN_PASSWORD: "violet-kettle-orbit-92",
      SEED_USER_EMAIL: "member@example.com",
      SEED_USER_PASSWORD: "quiet-lantern-meadow-17",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Seeded roles, permissions and users: boss@example.com, member@example.com");
    const boss = await withDb((db) =>
      db.user.findUniqueOrThrow({
        where: { email: "boss@example.com" },
        select: { roleName: true, passwordHash: true },
      }),
    );
    expect(boss.roleName).toBe("admin");
    expect(await verifyPassword("violet-kettle-orbit-92", boss.passwordHash!)).toBe(true);
  });
});
