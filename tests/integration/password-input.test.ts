import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword } from "../../lib/account/change-password";
import { bcryptCost } from "../../lib/password";
import { registerUser } from "../../lib/registration";
import { PASSWORD_CONTROL_CHARACTER_MESSAGE, PASSWORD_ILL_FORMED_MESSAGE } from "../../lib/validation";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// ASVS 5.0 V6.2 password rules at the real Auth.js handler: any composition up to bcrypt's 72 bytes, and a
// password is checked exactly as typed (bcrypt alone ignores everything past byte 72). New passwords must also
// be sendable again (well-formed, no control characters) and not easy to guess (zxcvbn, with the user's details).

let ctx: TestContext;
beforeAll(async () => {
  // Accounts are registered at cost 4 below; the server's configured cost is 5.
  // Sign-ins right after registerUser: the address-confirmation step has tests of its own (email-flows.test.ts).
  ctx = await createTestContext({
    AUTH_SIGNIN_MAX_FAILURES: "1000",
    AUTH_BCRYPT_COST: "5",
    AUTH_EMAIL_VERIFICATION: "off",
  });
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
    const password = randomBytes(36).toString("hex"); // 72 bytes
    await register("exact@example.com", password);
    expect(await signsIn("exact@example.com", `${password}-and-more`)).toBe(false);
    expect(await signsIn("exact@example.com", password.slice(0, 71))).toBe(false);
    expect(await signsIn("exact@example.com", password.toUpperCase())).toBe(false);
    expect(await signsIn("exact@example.com", password)).toBe(true);
  });

  it("ASVS 6.2.8 changing the password refuses the current password with extra characters appended", async () => {
    const password = randomBytes(36).toString("hex");
    const userId = await register("change@example.com", password);
    const attempt = (currentPassword: string) =>
      changePassword(
        ctx.db,
        {
          userId,
          currentPassword,
          newPassword: "a-new-password",
          confirmPassword: "a-new-password",
          keepSessionId: null,
          cost: 4,
        },
        { max: 100, windowSeconds: 900, lockoutSeconds: 900 },
      );
    expect(await attempt(`${password}x`)).toMatchObject({
      status: "error",
      fieldErrors: { currentPassword: expect.any(Array) },
    });
    expect(await attempt(password)).toMatchObject({ status: "changed" });
  });

  it("ASVS 6.2.5/6.2.9 any composition works: 64 characters, spaces, unicode, emoji and right-to-left text", async () => {
    const passwords = [
      randomBytes(32).toString("hex"), // 64 characters
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

/** Every table a refused registration or password change could have written to. */
async function writes() {
  const [users, sessions, throttles, hashes] = await Promise.all([
    ctx.db.user.count(),
    ctx.db.session.count(),
    ctx.db.signInThrottle.findMany({ orderBy: { key: "asc" } }),
    ctx.db.user.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } }),
  ]);
  return { users, sessions, throttles, hashes };
}

const NO_THROTTLE = { max: 100, windowSeconds: 900, lockoutSeconds: 900 };

describe("passwords that are refused at registration and password change", () => {
  it("ASVS 6.2.4/6.2.12 registration refuses common and personal passwords with zxcvbn's advice, and writes nothing", async () => {
    const before = await writes();
    const refused = {
      password123: "This is a commonly used password.",
      qwertyuiop: "This is a frequently used password.",
      "alice@example.com": "Passwords that contain your name or email address are easy to guess.",
      Liddell1865: "Passwords that contain your name or email address are easy to guess.",
    };
    for (const [password, warning] of Object.entries(refused)) {
      const result = await registerUser(ctx.db, { name: "Alice Liddell", email: "alice@example.com", password }, 4);
      expect(result, password).toMatchObject({
        status: "error",
        reason: "invalid",
        fieldErrors: { password: [expect.stringMatching(/^This password is too easy to guess\./)] },
      });
      expect(result.status === "error" && result.fieldErrors?.password?.[0], password).toContain(warning);
    }
    expect(await writes()).toEqual(before);
    // The same details with a strong password register, and sign in.
    await register("alice@example.com", "correct-horse-battery-staple");
    expect(await signsIn("alice@example.com", "correct-horse-battery-staple")).toBe(true);
  });

  it("lone surrogates and control characters are refused at registration with a field message, and write nothing", async () => {
    const before = await writes();
    const refused: [string, string][] = [
      ["high\ud800-surrogate-alone", PASSWORD_ILL_FORMED_MESSAGE],
      ["low\udc00-surrogate-alone", PASSWORD_ILL_FORMED_MESSAGE],
      ["reversed-pair-\ude00\ud83d", PASSWORD_ILL_FORMED_MESSAGE],
      ["nul\u0000in-the-middle", PASSWORD_CONTROL_CHARACTER_MESSAGE],
      ["line\nbreak-inside-it", PASSWORD_CONTROL_CHARACTER_MESSAGE],
      ["tab\tseparated-words", PASSWORD_CONTROL_CHARACTER_MESSAGE],
      ["c1-control-\u0085-next-line", PASSWORD_CONTROL_CHARACTER_MESSAGE],
    ];
    for (const [password, message] of refused) {
      const result = await registerUser(ctx.db, { name: "Surrogates", email: "surrogate@example.com", password }, 4);
      expect(result, JSON.stringify(password)).toMatchObject({
        status: "error",
        reason: "invalid",
        fieldErrors: { password: [message] },
      });
    }
    expect(await writes()).toEqual(before);
    // A proper surrogate pair (an emoji) is a character like any other.
    await register("emoji@example.com", "unlock 🔑 the 🐉 den");
    expect(await signsIn("emoji@example.com", "unlock 🔑 the 🐉 den")).toBe(true);
  });

  it("why: a password with a lone surrogate could never sign in, because a form post carries U+FFFD instead", async () => {
    const password = "high\ud800-surrogate-alone";
    expect(new URLSearchParams({ password }).toString()).toBe("password=high%EF%BF%BD-surrogate-alone");
    await createUser(ctx.db, { email: "stored-surrogate@example.com", password }); // as a registration used to store it
    expect(await signsIn("stored-surrogate@example.com", password)).toBe(false);
  });

  it("changing the password refuses weak, personal and ill-formed new passwords: hash, sessions and throttle untouched", async () => {
    const current = randomBytes(12).toString("hex");
    const { id: userId } = await createUser(ctx.db, {
      email: "bob.tables@example.com",
      name: "Bob Tables",
      password: current,
    });
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("bob.tables@example.com", current); // a session that a successful change would end
    expect(client.sessionCookie()).toBeDefined();
    const change = (newPassword: string) =>
      changePassword(
        ctx.db,
        { userId, currentPassword: current, newPassword, confirmPassword: newPassword, keepSessionId: null, cost: 4 },
        NO_THROTTLE,
      );

    const before = await writes();
    for (const newPassword of ["password123", "bob.tables@example.com", "BobTables2024", "iloveyou!"]) {
      expect(await change(newPassword), newPassword).toMatchObject({
        status: "error",
        fieldErrors: { newPassword: [expect.stringMatching(/^This password is too easy to guess\. \S/)] },
      });
    }
    expect(await change("lone\udfff-low-surrogate")).toMatchObject({
      status: "error",
      fieldErrors: { newPassword: [PASSWORD_ILL_FORMED_MESSAGE] },
    });
    expect(await change("nul\u0000in-the-middle")).toMatchObject({
      status: "error",
      fieldErrors: { newPassword: [PASSWORD_CONTROL_CHARACTER_MESSAGE] },
    });
    expect(await writes()).toEqual(before);
    expect(await signsIn("bob.tables@example.com", current)).toBe(true);

    const strong = "unlikely kettle orbit 41";
    expect(await change(strong)).toMatchObject({ status: "changed" });
    expect(await signsIn("bob.tables@example.com", strong)).toBe(true);
  });
});
