import { describe, expect, it } from "vitest";
import { bcryptCost, hashPassword, verifyPassword } from "../../lib/password";
import { credentialsSchema, registrationSchema } from "../../lib/validation";

describe("registration input", () => {
  const valid = { name: "Ann", email: "Ann@Example.COM ", password: "long-enough" };

  it("normalises the email to lower case", () => {
    expect(registrationSchema.parse(valid).email).toBe("ann@example.com");
  });

  it("requires at least 8 characters and at most 72 UTF-8 bytes", () => {
    const error = (password: string) => registrationSchema.safeParse({ ...valid, password }).error?.issues[0]?.message;
    expect(error("seven77")).toMatch(/at least 8/);
    expect(error("a".repeat(72))).toBeUndefined();
    expect(error("a".repeat(73))).toMatch(/72 bytes/);
    expect(error("é".repeat(37))).toMatch(/72 bytes/); // 37 characters, 74 bytes
  });

  it("rejects malformed and oversized fields", () => {
    expect(registrationSchema.safeParse({ ...valid, email: "not-an-email" }).success).toBe(false);
    expect(registrationSchema.safeParse({ ...valid, email: `${"a".repeat(1_000_000)}@x.io` }).success).toBe(false);
    expect(registrationSchema.safeParse({ ...valid, name: "n".repeat(101) }).success).toBe(false);
    expect(registrationSchema.safeParse({ ...valid, email: ["a@b.co"] }).success).toBe(false);
  });

  it("bounds sign-in passwords before any hashing", () => {
    expect(credentialsSchema.safeParse({ email: "a@b.co", password: "x".repeat(1025) }).success).toBe(false);
    expect(credentialsSchema.safeParse({ email: "a@b.co" }).success).toBe(false);
  });
});

describe("password hashing (worker threads)", () => {
  it("hashes at the requested cost and verifies", async () => {
    const hash = await hashPassword("correct horse", 5);
    expect(bcryptCost(hash)).toBe(5);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("wrong horse", hash)).toBe(false);
  });
});
