import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueEmailToken, revokeEmailTokens, redeemEmailToken } from "../../lib/auth/email-tokens";
import { hashToken } from "../../lib/auth/random-token";
import { passTime } from "../support/clock";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// Emailed one-time links against a real database: only hashes stored, one use even under concurrency, expiry,
// purpose, and a newer link (or a revocation) ending the older ones.
describe("email link tokens", () => {
  let ctx: TestContext;
  let userId: string;
  const issue = (purpose: "verify-email" | "reset-password" = "reset-password", ttlSeconds = 1800) =>
    issueEmailToken(ctx.db, { userId, purpose, email: "links@example.com", ttlSeconds });

  beforeAll(async () => {
    ctx = await createTestContext();
    userId = (await createUser(ctx.db, { email: "links@example.com" })).id;
  });
  afterAll(() => ctx.cleanup());

  it("stores only the token's SHA-256 and works exactly once", async () => {
    const token = await issue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    const rows = await ctx.db.emailToken.findMany({ where: { userId, purpose: "reset-password" } });
    expect(rows.map((row) => row.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);

    expect(await redeemEmailToken(ctx.db, "reset-password", token)).toEqual({
      ok: true,
      token: { userId, email: "links@example.com" },
    });
    expect(await redeemEmailToken(ctx.db, "reset-password", token)).toEqual({ ok: false, problem: "used" });
  });

  it("of 20 concurrent uses of one link exactly one succeeds", async () => {
    const token = await issue();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => redeemEmailToken(ctx.db, "reset-password", token)),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.problem === "used")).toHaveLength(19);
  });

  it("refuses expired, wrong-purpose, tampered, huge, missing and malformed tokens, changing nothing", async () => {
    const token = await issue("reset-password", 60);
    passTime(61_000);
    expect(await redeemEmailToken(ctx.db, "reset-password", token)).toEqual({ ok: false, problem: "expired" });

    const verify = await issue("verify-email");
    expect(await redeemEmailToken(ctx.db, "reset-password", verify)).toEqual({ ok: false, problem: "invalid" });
    const flipped = verify.slice(0, 10) + (verify[10] === "A" ? "B" : "A") + verify.slice(11);
    for (const bad of [
      flipped,
      verify + "A",
      verify.slice(1),
      "x".repeat(100_000),
      "",
      undefined,
      null,
      42,
      "\0".repeat(43),
    ])
      expect(await redeemEmailToken(ctx.db, "verify-email", bad)).toEqual({ ok: false, problem: "invalid" });
    // Nothing was used up by the bad attempts: the right token still works once.
    expect((await redeemEmailToken(ctx.db, "verify-email", verify)).ok).toBe(true);
  });

  it("a newer link ends the older unused ones of the same purpose, not of another; revoking ends them too", async () => {
    const older = await issue("reset-password");
    const verify = await issue("verify-email");
    const newer = await issue("reset-password");
    expect(await redeemEmailToken(ctx.db, "reset-password", older)).toEqual({ ok: false, problem: "invalid" });
    await revokeEmailTokens(ctx.db, userId, ["reset-password"]);
    expect(await redeemEmailToken(ctx.db, "reset-password", newer)).toEqual({ ok: false, problem: "invalid" });
    expect((await redeemEmailToken(ctx.db, "verify-email", verify)).ok).toBe(true);
  });

  it("a deleted user takes its links along", async () => {
    const other = await createUser(ctx.db, { email: "gone@example.com" });
    await issueEmailToken(ctx.db, {
      userId: other.id,
      purpose: "verify-email",
      email: "gone@example.com",
      ttlSeconds: 60,
    });
    await ctx.db.user.delete({ where: { id: other.id } });
    expect(await ctx.db.emailToken.count({ where: { userId: other.id } })).toBe(0);
  });
});
