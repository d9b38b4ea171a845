import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAdminUsers } from "../../lib/admin-users";
import {
  ADMIN_PAGE_SIZE,
  adminUsersHref,
  DEFAULT_ADMIN_USER_QUERY,
  parseAdminUserQuery,
  type AdminUserQuery,
  type SearchParams,
} from "../../lib/admin-users-query";
import { throttleKeys } from "../../lib/auth/throttle";
import { countActiveSessionsByUser, countActiveSessions, listActiveSessions } from "../../lib/auth/session-admin";
import { createTestContext, type TestContext } from "../support/test-env";

// /admin's user list against a real database of each provider: search, filters, sorts, paging and what bad
// query strings turn into.

const HOUR = 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
const query = (change: Partial<AdminUserQuery> = {}): AdminUserQuery => ({ ...DEFAULT_ADMIN_USER_QUERY, ...change });

// Names start with a capital letter and differ early, so both databases' collations sort them alike.
const PEOPLE = [
  { email: "alice@example.com", name: "Alice Archer", roleName: "admin", active: true },
  { email: "bob@example.com", name: "Bob Baker", roleName: "user", active: true },
  { email: "carol@example.org", name: "Carol Cooper", roleName: "user", active: false },
  { email: "dave@example.com", name: "Dave 100% Dent", roleName: "user", active: true },
  { email: "erin_x@example.com", name: "Erin Eve", roleName: "admin", active: false },
  { email: "frank@example.net", name: null, roleName: "user", active: true },
  { email: "grace@example.com", name: "Grace_Hopper", roleName: "user", active: true },
];

describe("admin user list", () => {
  let ctx: TestContext;
  const ids = new Map<string, string>();
  const emailsOf = async (q: Partial<AdminUserQuery>, pageSize?: number) =>
    (await listAdminUsers(ctx.db, query(q), { pageSize })).users.map((u) => u.email);

  beforeAll(async () => {
    ctx = await createTestContext();
    // One second apart, in list order, so "created" has a known order.
    const base = Date.now() - 100 * HOUR;
    for (const [i, person] of PEOPLE.entries()) {
      const user = await ctx.db.user.create({
        data: { ...person, createdAt: new Date(base + i * 1000) },
        select: { id: true },
      });
      ids.set(person.email, user.id);
    }
  });
  afterAll(() => ctx.cleanup());

  it("lists everyone, oldest first, with the total and the page count", async () => {
    const page = await listAdminUsers(ctx.db, query());
    expect(page.users.map((u) => u.email)).toEqual(PEOPLE.map((p) => p.email));
    expect(page).toMatchObject({ total: PEOPLE.length, page: 1, pageCount: 1, pageSize: ADMIN_PAGE_SIZE });
    expect(Object.keys(page.users[0]).sort()).toEqual(["active", "createdAt", "email", "id", "name", "roleName"]);
  });

  it("searches email and name as a case-insensitive substring", async () => {
    expect(await emailsOf({ q: "ALICE" })).toEqual(["alice@example.com"]);
    expect(await emailsOf({ q: "baker" })).toEqual(["bob@example.com"]);
    expect(await emailsOf({ q: "cOOp" })).toEqual(["carol@example.org"]);
    expect(await emailsOf({ q: "EXAMPLE.NET" })).toEqual(["frank@example.net"]);
    expect(await emailsOf({ q: "nobody-has-this" })).toEqual([]);
  });

  it("matches % and _ literally, not as wildcards", async () => {
    expect(await emailsOf({ q: "100%" })).toEqual(["dave@example.com"]);
    expect(await emailsOf({ q: "%" })).toEqual(["dave@example.com"]);
    expect(await emailsOf({ q: "_" })).toEqual(["erin_x@example.com", "grace@example.com"]);
    expect(await emailsOf({ q: "e_h" })).toEqual(["grace@example.com"]);
    expect(await emailsOf({ q: "a%e" })).toEqual([]);
  });

  it("filters by role and by status, and combines filters with the search", async () => {
    expect(await emailsOf({ role: "admin" })).toEqual(["alice@example.com", "erin_x@example.com"]);
    expect(await emailsOf({ status: "disabled" })).toEqual(["carol@example.org", "erin_x@example.com"]);
    expect(await emailsOf({ status: "active" })).toHaveLength(5);
    expect(await emailsOf({ role: "user", status: "active", q: "example.com" })).toEqual([
      "bob@example.com",
      "dave@example.com",
      "grace@example.com",
    ]);
    expect(await emailsOf({ role: "nobody" })).toEqual([]);
  });

  it("filters accounts with a lockout running: untrusted bucket, device or password check, not expired ones", async () => {
    const lock = (key: string, lockedUntil: Date) =>
      ctx.db.signInThrottle.create({ data: { key, failures: 10, lockedUntil } });
    await lock(throttleKeys.account("bob@example.com"), at(HOUR));
    await lock(throttleKeys.device("grace@example.com", "nonce123"), at(HOUR));
    await lock(throttleKeys.passwordCheck(ids.get("frank@example.net")!), at(HOUR));
    await lock(throttleKeys.account("alice@example.com"), at(-HOUR));
    await lock(throttleKeys.address("10.0.0.1"), at(HOUR));
    try {
      expect(await emailsOf({ status: "locked" })).toEqual([
        "bob@example.com",
        "frank@example.net",
        "grace@example.com",
      ]);
      expect(await emailsOf({ status: "locked", q: "grace" })).toEqual(["grace@example.com"]);
    } finally {
      await ctx.db.signInThrottle.deleteMany();
    }
    expect(await emailsOf({ status: "locked" })).toEqual([]);
  });

  it("sorts by each column in both directions", async () => {
    const emails = PEOPLE.map((p) => p.email);
    expect(await emailsOf({ sort: "email" })).toEqual([...emails].sort());
    expect(await emailsOf({ sort: "email", dir: "desc" })).toEqual([...emails].sort().reverse());
    expect(await emailsOf({ sort: "created", dir: "desc" })).toEqual([...emails].reverse());
    const byName = [
      "alice@example.com",
      "bob@example.com",
      "carol@example.org",
      "dave@example.com",
      "erin_x@example.com",
      "grace@example.com",
    ];
    // No name: last in both directions.
    expect(await emailsOf({ sort: "name" })).toEqual([...byName, "frank@example.net"]);
    expect(await emailsOf({ sort: "name", dir: "desc" })).toEqual([...byName.reverse(), "frank@example.net"]);
    // Within a role, the order is by id (stable), so only the role order is checked.
    const roles = async (dir: "asc" | "desc") =>
      (await listAdminUsers(ctx.db, query({ sort: "role", dir }))).users.map((u) => u.roleName);
    expect(await roles("asc")).toEqual(["admin", "admin", "user", "user", "user", "user", "user"]);
    expect(await roles("desc")).toEqual(["user", "user", "user", "user", "user", "admin", "admin"]);
  });

  it("pages without repeats or gaps, and shows the last page for a page past the end", async () => {
    const all = PEOPLE.map((p) => p.email);
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      const result = await listAdminUsers(ctx.db, query({ page }), { pageSize: 3 });
      expect(result).toMatchObject({ total: 7, pageCount: 3, page });
      pages.push(...result.users.map((u) => u.email));
    }
    expect(pages).toEqual(all);
    const past = await listAdminUsers(ctx.db, query({ page: 99 }), { pageSize: 3 });
    expect(past.page).toBe(3);
    expect(past.users.map((u) => u.email)).toEqual(all.slice(6));
    const none = await listAdminUsers(ctx.db, query({ q: "nobody", page: 5 }), { pageSize: 3 });
    expect(none).toMatchObject({ users: [], total: 0, page: 1, pageCount: 1 });
  });

  it("counts active sessions for the listed users only, and pages the active-sessions list", async () => {
    const alice = ids.get("alice@example.com")!;
    const bob = ids.get("bob@example.com")!;
    const carol = ids.get("carol@example.org")!; // disabled: her sessions are not active
    const session = (id: string, userId: string, expires = at(HOUR), lastSeenAt = new Date()) =>
      ctx.db.session.create({ data: { id, userId, expires, lastSeenAt, sessionToken: `hash-${id}` } });
    await session("s1", alice, at(HOUR), at(-3000));
    await session("s2", alice, at(HOUR), at(-2000));
    await session("s3", bob, at(HOUR), at(-1000));
    await session("s4", bob, at(-HOUR));
    await session("s5", carol);
    try {
      const counts = await countActiveSessionsByUser(ctx.db, [alice, bob, carol]);
      expect(Object.fromEntries(counts)).toEqual({ [alice]: 2, [bob]: 1 });
      expect(await countActiveSessionsByUser(ctx.db, [bob])).toEqual(new Map([[bob, 1]]));
      expect(await countActiveSessionsByUser(ctx.db, [])).toEqual(new Map());
      expect(await countActiveSessions(ctx.db)).toBe(3);
      expect((await listActiveSessions(ctx.db, { take: 2 })).map((s) => s.id)).toEqual(["s3", "s2"]);
      expect((await listActiveSessions(ctx.db, { skip: 2, take: 2 })).map((s) => s.id)).toEqual(["s1"]);
    } finally {
      await ctx.db.session.deleteMany();
    }
  });
});

describe("admin query string", () => {
  const parse = (params: SearchParams) => parseAdminUserQuery(params, { roles: ["admin", "user"] });

  it("reads every parameter, and an empty query gives the defaults without a message", () => {
    expect(parse({})).toEqual({ query: DEFAULT_ADMIN_USER_QUERY, problems: [] });
    expect(
      parse({ q: "  Ada ", role: "admin", status: "locked", sort: "name", dir: "desc", page: "3", sessionsPage: "2" }),
    ).toEqual({
      query: { q: "Ada", role: "admin", status: "locked", sort: "name", dir: "desc", page: 3, sessionsPage: 2 },
      problems: [],
    });
    // The form's "any" choices send empty values.
    expect(parse({ q: "", role: "", status: "" })).toEqual({ query: DEFAULT_ADMIN_USER_QUERY, problems: [] });
  });

  it("falls back to the default for each bad value, with a message, and keeps the good ones", () => {
    const bad: [SearchParams, RegExp][] = [
      [{ page: "0" }, /page/],
      [{ page: "-1" }, /page/],
      [{ page: "1.5" }, /page/],
      [{ page: "abc" }, /page/],
      [{ page: "99999999999999999999" }, /page/],
      [{ page: ["1", "2"] }, /more than once/],
      [{ sort: "passwordHash" }, /sort/],
      [{ sort: "__proto__" }, /sort/],
      [{ dir: "sideways" }, /dir/],
      [{ status: "deleted" }, /status/],
      [{ role: "superuser" }, /no role/],
      [{ role: 'x\'; DROP TABLE "User"; --' }, /role/],
      [{ q: "x".repeat(101) }, /100 characters/],
      [{ q: "a\u0000b" }, /control/],
      [{ q: ["a", "b"] }, /more than once/],
    ];
    for (const [params, message] of bad) {
      const { query: parsed, problems } = parse({ ...params, sort: params.sort ?? "email" });
      const expected = { ...DEFAULT_ADMIN_USER_QUERY, sort: "sort" in params ? "created" : "email" };
      expect(parsed, JSON.stringify(params)).toEqual(expected);
      expect(problems, JSON.stringify(params)).toHaveLength(1);
      expect(problems[0], JSON.stringify(params)).toMatch(message);
    }
    expect(parse({ unknown: "1", constructor: "x", __proto__: "y" })).toEqual({
      query: DEFAULT_ADMIN_USER_QUERY,
      problems: [],
    });
  });

  it("builds links that leave defaults out and read back to the same query", () => {
    expect(adminUsersHref(DEFAULT_ADMIN_USER_QUERY)).toBe("/admin");
    const q = query({ q: "a&b=c %", role: "user", sort: "name", dir: "desc", page: 4 });
    const href = adminUsersHref(q);
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(parse(params)).toEqual({ query: q, problems: [] });
    expect(adminUsersHref(q, { page: 1 })).not.toContain("page=");
  });
});
