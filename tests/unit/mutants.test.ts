import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { failuresIn, MUTANTS, MutantError, mutantProblems, mutate, parseOptions } from "../../scripts/mutants";

// scripts/mutants.ts (npm run test:mutants): the mutants still match the source, and the runner's own pieces.

const root = join(import.meta.dirname, "..", "..");

describe("mutants", () => {
  it("each one still matches its source exactly once and names test files that exist", () => {
    // When this fails, a refactor moved the mutated line: update the mutant, or it would test nothing.
    expect(mutantProblems(root, MUTANTS)).toEqual([]);
  });

  it("have unique names and run only unit or integration files (e2e needs a production build)", () => {
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    for (const mutant of MUTANTS) {
      expect(mutant.tests.length).toBeGreaterThan(0);
      for (const test of mutant.tests) expect(test).toMatch(/^tests\/(unit|integration)\/[\w-]+\.test\.ts$/);
      expect(mutant.replace).not.toBe(mutant.search);
    }
  });
});

describe("mutate", () => {
  const mutant = { name: "m", file: "f.ts", search: "a < b", replace: "a <= b" };

  it("replaces the one occurrence, taking the replacement literally", () => {
    expect(mutate("if (a < b) x();", mutant)).toBe("if (a <= b) x();");
    expect(mutate("if (a < b) x();", { ...mutant, replace: "$&$&" })).toBe("if ($&$&) x();");
  });

  it("refuses a search string that is missing or ambiguous", () => {
    expect(() => mutate("if (a > b) x();", mutant)).toThrow(/occurs 0 times in f\.ts/);
    expect(() => mutate("a < b; a < b;", mutant)).toThrow(/occurs 2 times in f\.ts/);
  });
});

describe("options", () => {
  it("defaults to every mutant on SQLite", () => {
    expect(parseOptions([])).toMatchObject({ only: MUTANTS, provider: "sqlite", list: false });
  });

  it("--only picks mutants by name, --provider picks the database", () => {
    const [first, second] = MUTANTS;
    const options = parseOptions([`--only=${second.name},${first.name}`, "--provider=postgresql"]);
    expect(options.only.map((m) => m.name)).toEqual([first.name, second.name]);
    expect(options.provider).toBe("postgresql");
  });

  it("unknown options, mutants and providers are usage errors, not stack traces", () => {
    expect(() => parseOptions(["--bogus"])).toThrow(MutantError);
    expect(() => parseOptions(["--bogus"])).toThrow(/Usage: npm run test:mutants/);
    expect(() => parseOptions(["stray"])).toThrow(MutantError);
    expect(() => parseOptions(["--only=nope"])).toThrow(/No mutant named nope/);
    expect(() => parseOptions(["--provider=mysql"])).toThrow(/sqlite or postgresql/);
  });
});

describe("reading vitest's JSON report", () => {
  it("names each failed test by file and full name, and a file that did not load", () => {
    const report = {
      testResults: [
        {
          name: "/copy/tests/integration/a.test.ts",
          status: "failed",
          assertionResults: [
            { fullName: "suite works", status: "passed" },
            { fullName: "suite refuses", status: "failed" },
          ],
        },
        {
          name: "/copy/tests/unit/b.test.ts",
          status: "failed",
          message: "\nSyntaxError: nope\n  at x",
          assertionResults: [],
        },
        {
          name: "/copy/tests/unit/c.test.ts",
          status: "passed",
          assertionResults: [{ fullName: "ok", status: "passed" }],
        },
      ],
    };
    expect(failuresIn(report, "/copy")).toEqual([
      "tests/integration/a.test.ts > suite refuses",
      "tests/unit/b.test.ts: did not run (SyntaxError: nope)",
    ]);
  });
});
