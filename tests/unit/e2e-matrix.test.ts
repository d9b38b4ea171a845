import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { E2E_MATRIX, filesFor, unclassified, type Provider, type Strategy } from "../support/e2e-matrix";

// The runner's choice of e2e files per (database, strategy) combination.
const files = readdirSync(join(__dirname, "..", "e2e")).filter((file) => file.endsWith(".test.ts"));
const full = { providers: ["sqlite", "postgresql"] as Provider[], strategies: ["database", "jwt"] as Strategy[] };
const combinations = full.providers.flatMap((provider) => full.strategies.map((strategy) => ({ provider, strategy })));

describe("e2e matrix", () => {
  it("names every e2e file, and no file that is gone", () => {
    expect(unclassified(files)).toEqual([]);
    expect(unclassified([...files, "new.test.ts"])).toEqual(["new.test.ts"]);
    expect(Object.keys(E2E_MATRIX).filter((file) => !files.includes(file))).toEqual([]);
  });

  it("runs each file exactly in the combinations its behaviour depends on", () => {
    const runsOf = (file: string) =>
      combinations.filter((c) => filesFor(files, c, full).includes(file)).map((c) => `${c.provider}/${c.strategy}`);
    expect(runsOf("layout.test.ts")).toEqual(["sqlite/database"]);
    expect(runsOf("sessions.test.ts")).toEqual(["sqlite/database", "sqlite/jwt"]);
    expect(runsOf("throttle-instances.test.ts")).toEqual(["sqlite/database", "postgresql/database"]);
    expect(runsOf("change-feed.test.ts")).toEqual(combinations.map((c) => `${c.provider}/${c.strategy}`));
    expect(runsOf("standalone.test.ts")).toEqual([]);
  });

  it("a narrowed run still runs every file once: its first combination takes the others' share", () => {
    const onlyPostgresJwt = { providers: ["postgresql"] as Provider[], strategies: ["jwt"] as Strategy[] };
    const chosen = filesFor(files, { provider: "postgresql", strategy: "jwt" }, onlyPostgresJwt);
    expect(chosen).toEqual(files.filter((file) => file !== "standalone.test.ts"));
  });
});
