import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { assertGeneratedClients, generatedClientProblems } from "../../lib/generated-clients";
import { projectRoot } from "../../harness/databases";

// next.config.ts runs this before `next build` / `next dev`; a project laid out in a temp folder stands in for a
// checkout where `npm run db:generate` was skipped or is out of date.
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** A project folder with the real schemas and, per provider, a copy of the real generated client files. */
function fakeProject(copyClients: ("sqlite" | "postgresql")[]): string {
  const root = mkdtempSync(join(tmpdir(), "starter-generated-"));
  roots.push(root);
  const copy = (path: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    copyFileSync(join(projectRoot, path), join(root, path));
  };
  copy("prisma/schema.prisma");
  copy("prisma/postgresql/schema.prisma");
  for (const provider of copyClients) {
    copy(`lib/generated/${provider}/client.ts`);
    copy(`lib/generated/${provider}/internal/class.ts`);
  }
  return root;
}

describe("generated Prisma clients check", () => {
  it("finds nothing wrong in this checkout (clients generated from the current schemas)", () => {
    expect(generatedClientProblems(projectRoot)).toEqual({ missing: [], stale: [] });
  });

  it("refuses to build without a client and names the command", () => {
    const root = fakeProject(["sqlite"]);
    expect(generatedClientProblems(root)).toEqual({ missing: ["postgresql"], stale: [] });
    expect(() => assertGeneratedClients(root)).toThrow(
      /lib\/generated\/postgresql\/client\.ts[\s\S]*npm run db:generate/,
    );
  });

  it("warns when a schema changed after its client was generated", () => {
    const root = fakeProject(["sqlite", "postgresql"]);
    const schema = join(root, "prisma/schema.prisma");
    writeFileSync(schema, readFileSync(schema, "utf8").replace("model Role {", "model Role {\n  color String?"));
    expect(generatedClientProblems(root)).toEqual({ missing: [], stale: ["sqlite"] });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    assertGeneratedClients(root);
    expect(warn.mock.calls[0][0]).toMatch(/sqlite[\s\S]*npm run db:generate/);
  });

  it("ignores alignment-only differences (Prisma re-formats the embedded copy)", () => {
    const root = fakeProject(["sqlite", "postgresql"]);
    const schema = join(root, "prisma/schema.prisma");
    writeFileSync(schema, readFileSync(schema, "utf8").replace(/ {2,}/g, " "));
    expect(generatedClientProblems(root)).toEqual({ missing: [], stale: [] });
  });
});
