import { describe, expect, it } from "vitest";
import { checkSeedOptions, DEMO_USERS, SeedInputError, seedInputFromEnv } from "../../lib/seed";
import { parseCliArgs } from "../../scripts/lib/args";
import { describeDatabase, sqliteFilePath, studioDatabaseUrl } from "../../scripts/lib/database-target";
import { nextMigrationName } from "../../scripts/lib/migration-diff";
import { applyHiddenInput, type HiddenInput } from "../../scripts/lib/prompt";
import { formatTable } from "../../scripts/lib/table";

const typing = (value = ""): HiddenInput => ({ value, state: "typing" });
const type = (...chunks: string[]) => chunks.reduce(applyHiddenInput, typing());

describe("hidden password input", () => {
  it("collects characters until Enter, across chunks", () => {
    expect(type("hunt", "er2", "\r")).toEqual({ value: "hunter2", state: "done" });
    expect(type("pässwörd🔑\n")).toEqual({ value: "pässwörd🔑", state: "done" });
  });

  it("handles backspace (also on multi-unit characters) and ignores escape sequences and control keys", () => {
    expect(type("abc\u007f\u007fd\r")).toEqual({ value: "ad", state: "done" });
    expect(type("a🔑\u007f\r")).toEqual({ value: "a", state: "done" });
    expect(type("ab\u001b[Acd", "\u001b[1;5D", "\u0001e\r")).toEqual({ value: "abcde", state: "done" });
  });

  it("cancels on Ctrl-C, and on Ctrl-D only when nothing was typed", () => {
    expect(type("secret\u0003")).toEqual({ value: "", state: "cancelled" });
    expect(type("\u0004")).toEqual({ value: "", state: "cancelled" });
    expect(type("ab\u0004c\r")).toEqual({ value: "abc", state: "done" });
  });
});

describe("database targets", () => {
  const root = "/srv/app";

  it("resolves SQLite URLs against the project root", () => {
    expect(sqliteFilePath("file:./prisma/dev.db", root)).toBe("/srv/app/prisma/dev.db");
    expect(sqliteFilePath("file:dev.db", root)).toBe("/srv/app/dev.db");
    expect(sqliteFilePath("file:/var/data/app.db", root)).toBe("/var/data/app.db");
    expect(sqliteFilePath("file:///var/data/app.db?mode=rw", root)).toBe("/var/data/app.db");
  });

  it("gives Prisma Studio absolute file:// URLs and leaves PostgreSQL URLs alone", () => {
    expect(studioDatabaseUrl("file:./prisma/dev.db", root)).toBe("file:///srv/app/prisma/dev.db");
    expect(studioDatabaseUrl("file:/var/data/app.db", root)).toBe("file:///var/data/app.db");
    const pg = "postgresql://app:s3cret@db.internal:5432/app?schema=public";
    expect(studioDatabaseUrl(pg, root)).toBe(pg);
  });

  it("describes a database without its credentials", () => {
    expect(describeDatabase("file:./prisma/dev.db", root)).toBe("SQLite file /srv/app/prisma/dev.db");
    const description = describeDatabase("postgresql://app:s3cret@db.internal:5432/app", root);
    expect(description).toBe('PostgreSQL database "app" on db.internal:5432');
    expect(description).not.toContain("s3cret");
  });
});

describe("formatTable", () => {
  it("pads every column but the last to its widest cell", () => {
    expect(
      formatTable(
        ["ID", "USER"],
        [
          ["a", "alice@example.com"],
          ["long-id", "-"],
        ],
      ),
    ).toBe(["ID       USER", "-------  -----------------", "a        alice@example.com", "long-id  -"].join("\n"));
  });
});

describe("parseCliArgs", () => {
  const options = { email: { type: "string" }, yes: { type: "boolean" } } as const;
  const mistake = (args: string[]) => {
    try {
      parseCliArgs({ args, options }, "Usage: npm run x");
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };

  it("refuses unknown flags, stray arguments and missing values in a line of its own, then the usage", () => {
    expect(mistake(["--bogus"])).toBe("Unknown option --bogus; nothing was changed.\n\nUsage: npm run x");
    expect(mistake(["-z"])).toMatch(/^Unknown option -z; nothing was changed\./);
    expect(mistake(["stray"])).toMatch(/^Unexpected argument "stray"; nothing was changed\./);
    expect(mistake(["--email"])).toMatch(/argument missing; nothing was changed\.\n\nUsage: npm run x$/);
    expect(mistake(["--email", "a@b.co", "--yes"])).toBe("accepted");
  });
});

describe("nextMigrationName", () => {
  const now = new Date("2026-12-07T14:05:09.500Z");

  it("uses Prisma's UTC yyyymmddhhmmss prefix", () => {
    expect(nextMigrationName("add_bio", ["20261122053710_init"], now)).toBe("20261207140509_add_bio");
  });

  it("sorts after every existing migration, even one dated later than the clock", () => {
    expect(nextMigrationName("add_bio", ["20261207150000_indexes", "20261122053710_init"], now)).toBe(
      "20261207150001_add_bio",
    );
    expect(nextMigrationName("x", ["20261231235959_new_year"], now)).toBe("20270101000000_x");
  });
});

describe("seed inputs", () => {
  it("reads the SEED_* variables, empty meaning not set", () => {
    expect(
      seedInputFromEnv({ SEED_ADMIN_EMAIL: "a@b.co", SEED_ADMIN_PASSWORD: "", SEED_USER_EMAIL: undefined }),
    ).toEqual({
      admin: { email: "a@b.co", password: undefined },
      user: { email: undefined, password: undefined },
    });
  });

  it("accepts the demo accounts outside production and refuses their published passwords in production", async () => {
    const accounts = await checkSeedOptions({ cost: 4, production: false });
    expect(accounts.map((a) => a.email)).toEqual([DEMO_USERS.admin.email, DEMO_USERS.user.email]);
    await expect(checkSeedOptions({ cost: 4, production: true })).rejects.toThrow(SeedInputError);
    await expect(checkSeedOptions({ cost: 4, production: true })).rejects.toThrow(
      "Refusing to seed admin@example.com, user@example.com with the published demo password in production",
    );
  });
});
