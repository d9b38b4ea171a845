import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword } from "../../lib/account";
import { bcryptCost } from "../../lib/password";
import { registerUser } from "../../lib/registration";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";

// ASVS 5.0 V6.2 password rules at the real Auth.js handler: any composition up to bcrypt's 72 bytes, and a
// password is checked exactly as typed (bcrypt alone ignores everything past byte 72).

let ctx: TestContext;
beforeAll(async () => {
  // Accounts are registered at cost 4 below; the server's configured cost is 5.
  ctx = await createTestContext({ AUTH_SIGNIN_MAX_FAILURES: "1000", AUTH_BCRYPT_COST: "5" });
});
afterAll(() => ctx.cleanup());

async function register(email: string, password: string): Promise<string> {
  const result = await registerUser(ctx.db, { name: "Password Rules", email, password }, 4);
  if (result.status !== "created") throw new Error(`registration failed: ${JSON.stringify(result)}`);
  return result.userId;
}

async function signsIn(email: string, password: string): Promise<boolean> {
  const client = new AuthClient(ctx.env, ctx.db);
  await client.signIn(email, password);
  return client.sessionCookie() !== undefined;
}

describe("passwords", () => {
  it("ASVS 6.2.8 a password is verified exactly as typed: the right 72-byte password plus more characters does not sign in", async () => {
    const password = "p".repeat(72);
    await register("exact@example.com", password);
    expect(await signsIn("exact@example.com", `${password}-and-more`)).toBe(false);
    expect(await signsIn("exact@example.com", password.slice(0, 71))).toBe(false);
    expect(await signsIn("exact@example.com", password.toUpperCase())).toBe(false);
    expect(await signsIn("exact@example.com", password)).toBe(true);
  });

  it("ASVS 6.2.8 changing the password refuses the current password with extra characters appended", async () => {
    const password = "c".repeat(72);
    const userId = await register("change@example.com", password);
    const attempt = (currentPassword: string) =>
      changePassword(ctx.db, { userId, currentPassword, newPassword: "a-new-password", confirmPassword: "a-new-password", keepSessionId: null, cost: 4 }, { max: 100, windowSeconds: 900, lockoutSeconds: 900 });
    expect(await attempt(`${password}x`)).toMatchObject({ status: "error", fieldErrors: { currentPassword: expect.any(Array) } });
    expect(await attempt(password)).toMatchObject({ status: "changed" });
  });

  it("ASVS 6.2.5/6.2.9 any composition works: 64 characters, spaces, unicode, emoji and right-to-left text", async () => {
    const passwords = [
      "x".repeat(64),
      "correct horse battery staple",
      "pässwörd ñ 密码 😀",
      "\u202eRTL مرحبا שלום",
    ];
    for (const [i, password] of passwords.entries()) {
      await register(`any-${i}@example.com`, password);
      expect(await signsIn(`any-${i}@example.com`, password), password).toBe(true);
      expect(await signsIn(`any-${i}@example.com`, `${password} `)).toBe(false); // not trimmed either
    }
  });

  it("ASVS 11.4.2 a hash made at another bcrypt cost is re-made at AUTH_BCRYPT_COST on the next sign-in", async () => {
    const userId = await register("rehash@example.com", "rehash-password");
    const hashOf = async () => (await ctx.db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash!;
    expect(bcryptCost(await hashOf())).toBe(4);
    expect(await signsIn("rehash@example.com", "wrong-password")).toBe(false);
    expect(bcryptCost(await hashOf())).toBe(4); // only a correct password can be re-hashed
    expect(await signsIn("rehash@example.com", "rehash-password")).toBe(true);
    expect(bcryptCost(await hashOf())).toBe(5);
    expect(await signsIn("rehash@example.com", "rehash-password")).toBe(true);
  });
});
