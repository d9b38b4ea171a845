import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { estimatePasswordStrength as estimateInBrowser } from "../../components/password-strength-estimator";
import { parseEnv } from "../../lib/env";
import { PasswordPoolBusyError } from "../../lib/password";
import { estimatePasswordStrength, newPasswordStrengthError } from "../../lib/password-strength";
import { personalPasswordInputs, weakPasswordMessage } from "../../lib/password-strength-rules";
import {
  credentialsSchema,
  newPasswordSchema,
  PASSWORD_CONTROL_CHARACTER_MESSAGE,
  PASSWORD_ILL_FORMED_MESSAGE,
  PASSWORD_TOO_LONG_MESSAGE,
} from "../../lib/validation";

// New-password rules: what can be stored and sent again (validation), and what is too easy to guess (zxcvbn in
// the server's worker thread, and the browser's copy of it).

const problems = (password: unknown) =>
  newPasswordSchema.safeParse(password).error?.issues.map((issue) => issue.message) ?? [];

describe("new passwords must be well-formed and typeable", () => {
  it("refuses lone UTF-16 surrogates (high, low, a pair in the wrong order) with one clear message", () => {
    for (const password of [
      "high-\ud800-surrogate",
      "low-\udc00-surrogate",
      "reversed-\ude00\ud83d-pair",
      "\ud800",
      "ends-with-high-\udbff",
    ]) {
      expect(problems(password), JSON.stringify(password)).toEqual([PASSWORD_ILL_FORMED_MESSAGE]);
    }
  });

  it("accepts surrogate pairs (emoji and other characters outside the BMP) and format characters", () => {
    for (const password of [
      "unlock 🔑 the 🐉 den",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",
      "family 👨‍👩‍👧 with ZWJ",
      "\u202eRTL مرحبا שלום",
    ]) {
      expect(problems(password), password).toEqual([]);
    }
  });

  it("refuses C0 and C1 control characters and DEL: a browser cannot type them into a password field", () => {
    for (const control of ["\u0000", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u009f"]) {
      expect(problems(`before${control}after-it`), JSON.stringify(control)).toEqual([
        PASSWORD_CONTROL_CHARACTER_MESSAGE,
      ]);
    }
  });

  it("keeps the length rules: at least 8 characters, at most 72 UTF-8 bytes (bcrypt reads no more)", () => {
    expect(problems("seven77")).toEqual(["Password must be at least 8 characters"]);
    expect(problems("a".repeat(72))).toEqual([]);
    expect(problems("a".repeat(73))).toEqual([PASSWORD_TOO_LONG_MESSAGE]);
    expect(problems("🔑".repeat(18))).toEqual([]); // 18 × 4 bytes
    expect(problems(`${"🔑".repeat(18)}x`)).toEqual([PASSWORD_TOO_LONG_MESSAGE]);
    expect(PASSWORD_TOO_LONG_MESSAGE).toContain("72 bytes");
  });

  it("leaves sign-in lenient: such passwords are not refused there, they simply match no stored password", () => {
    for (const password of ["high-\ud800-surrogate", "nul\u0000inside", "x".repeat(72)]) {
      expect(credentialsSchema.safeParse({ email: "a@b.co", password }).success, JSON.stringify(password)).toBe(true);
    }
  });
});

// The first check loads the dictionaries (in the worker, and for the browser's estimator in this process).
describe("password strength (zxcvbn-ts in a worker thread)", { timeout: 60_000 }, () => {
  afterEach(() => {
    delete process.env.AUTH_HASH_QUEUE_MAX;
  });

  it("rates common passwords 0 with zxcvbn's warning and suggestions as the message", async () => {
    const estimate = await estimatePasswordStrength("password123");
    expect(estimate).toEqual({
      score: 0,
      warning: "This is a commonly used password.",
      suggestions: ["Add more words that are less common."],
    });
    expect(await newPasswordStrengthError("password123", {})).toBe(
      "This password is too easy to guess. This is a commonly used password. Add more words that are less common.",
    );
    for (const password of ["qwertyuiop", "iloveyou1", "P@ssw0rd!", "11111111", "abcdefgh123", "dragon2024"]) {
      expect(await newPasswordStrengthError(password, {}), password).toMatch(
        /^This password is too easy to guess\. \S/,
      );
    }
  });

  it("accepts passphrases, long random passwords and emoji passphrases", async () => {
    const strong = [
      "correct-horse-battery-staple",
      "unlikely kettle orbit 41",
      randomBytes(36).toString("hex"),
      `pw-${randomBytes(8).toString("hex")}`,
      "unlock 🔑 the 🐉 den",
    ];
    for (const password of strong)
      expect(
        await newPasswordStrengthError(password, { email: "alice@example.com", name: "Alice" }),
        password,
      ).toBeNull();
    expect((await estimatePasswordStrength("correct-horse-battery-staple")).score).toBe(4);
  });

  it("rates passwords built from the user's email and name as weak", async () => {
    const alice = { email: "alice.liddell@example.com", name: "Alice Liddell" };
    for (const password of [
      "alice.liddell@example.com",
      "alice.liddell@example.com1",
      "AliceLiddell!",
      "Liddell1865",
      "aliceliddell",
      "alice2024",
    ]) {
      expect(await newPasswordStrengthError(password, alice), password).toMatch(
        /Passwords that contain your name or email address are easy to guess\./,
      );
      expect(
        (await newPasswordStrengthError(password, {})) ?? "strong enough",
        `${password} without the details`,
      ).not.toMatch(/your name or email/);
    }
  });

  it("refuses below the minimum score, which defaults to 3 and is set by AUTH_PASSWORD_MIN_SCORE (0–4)", async () => {
    expect(parseEnv({}).AUTH_PASSWORD_MIN_SCORE).toBe(3);
    expect(parseEnv({ AUTH_PASSWORD_MIN_SCORE: "4" }).AUTH_PASSWORD_MIN_SCORE).toBe(4);
    expect(() => parseEnv({ AUTH_PASSWORD_MIN_SCORE: "5" })).toThrow(/AUTH_PASSWORD_MIN_SCORE/);
    expect(() => parseEnv({ AUTH_PASSWORD_MIN_SCORE: "strong" })).toThrow(/AUTH_PASSWORD_MIN_SCORE/);
    // "a-new-password" scores exactly 3.
    expect((await estimatePasswordStrength("a-new-password")).score).toBe(3);
    expect(await newPasswordStrengthError("a-new-password", {})).toBeNull();
    expect(await newPasswordStrengthError("a-new-password", {}, 4)).toBe(
      "This password is too easy to guess. Add more words that are less common.",
    );
    expect(await newPasswordStrengthError("password", {}, 0)).toBeNull();
  });

  it("rates the whole password, however long: a long email address as the password is weak", async () => {
    const email = "e2e-meter-change-1a2b3c4d@example.com"; // 37 characters
    expect(await newPasswordStrengthError(email, { email })).toMatch(/your name or email address/);
    expect(await newPasswordStrengthError(`${randomBytes(16).toString("hex")}${"a".repeat(40)}`, {})).toBeNull();
    expect(await newPasswordStrengthError(`${"ab".repeat(20)}${"password".repeat(4)}`, {})).toMatch(
      /^This password is too easy to guess/,
    );
  });

  it("answers busy past the queue bound (AUTH_HASH_QUEUE_MAX) instead of queueing, and recovers", async () => {
    process.env.AUTH_HASH_QUEUE_MAX = "4";
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, () => estimatePasswordStrength("correct-horse-battery-staple")),
    );
    expect(answers.filter((a) => a.status === "fulfilled").length).toBe(4);
    expect(answers.filter((a) => a.status === "rejected").every((a) => a.reason instanceof PasswordPoolBusyError)).toBe(
      true,
    );
    expect((await estimatePasswordStrength("correct-horse-battery-staple")).score).toBe(4);
  });

  it("the browser's estimator rates exactly like the server's", async () => {
    const inputs = personalPasswordInputs({ email: "bob.tables@example.com", name: "Bob Tables" });
    const passwords = [
      "password123",
      "BobTables2024",
      "correct-horse-battery-staple",
      "P@ssw0rd!",
      "a-new-password",
      "unlock 🔑 the 🐉 den",
      randomBytes(36).toString("hex"),
    ];
    for (const password of passwords)
      expect(estimateInBrowser(password, inputs), password).toEqual(await estimatePasswordStrength(password, inputs));
  });
});

describe("strength helpers", () => {
  it("personal inputs: the email, its local part with and without punctuation, the name, and each word", () => {
    expect(personalPasswordInputs({ email: "Bob.Tables@Example.com", name: " Bob Tables " })).toEqual([
      "bob.tables@example.com",
      "bob.tables",
      "bobtables",
      "bob",
      "tables",
      "example",
      "com",
      "bob tables",
    ]);
    expect(personalPasswordInputs({ email: null, name: undefined })).toEqual([]);
  });

  it("the message falls back to general advice when zxcvbn has none", () => {
    expect(weakPasswordMessage({ warning: null, suggestions: [] })).toBe(
      "This password is too easy to guess. Add more words that are less common.",
    );
    expect(weakPasswordMessage({ warning: "Dates are easy to guess.", suggestions: ["Avoid dates."] })).toBe(
      "This password is too easy to guess. Dates are easy to guess. Avoid dates.",
    );
  });
});
