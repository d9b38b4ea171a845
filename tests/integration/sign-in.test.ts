import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../lib/auth/random-token";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

describe.each(["database", "jwt"] as const)("credentials sign-in, %s strategy", (strategy) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: strategy });
    await createUser(ctx.db, { email: "alice@example.com", role: "admin", name: "Alice" });
    await createUser(ctx.db, { email: "bob@example.com" });
  });
  afterAll(() => ctx.cleanup());

  it("signs in, exposes exactly the claims, and signs out", async () => {
    const client = new AuthClient(ctx.env, ctx.db);
    const response = await client.signIn("Alice@Example.com", "correct-horse-battery");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:3000/dashboard");
    const cookie = client.sessionCookie();
    expect(cookie).toBeDefined();

    const session = await client.session();
    expect(session).toMatchObject({
      user: {
        email: "alice@example.com",
        name: "Alice",
        role: "admin",
        permissions: ["sessions:read", "sessions:revoke", "users:read", "users:write"],
      },
    });
    expect(Object.keys(session!).sort()).toEqual(["expires", "user"]);
    expect(Object.keys(session!.user as object).sort()).toEqual(["email", "id", "name", "permissions", "role"]);
    const json = JSON.stringify(session);
    expect(json).not.toMatch(/\$2[aby]\$/); // no bcrypt hash
    expect(json).not.toContain(cookie!);
    expect(json).not.toContain(hashToken(cookie!));

    const rows = await ctx.db.session.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0].strategy).toBe(strategy);
    if (strategy === "database") {
      expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes base64url
      expect(rows[0].sessionToken).toBe(hashToken(cookie!));
    } else {
      expect(cookie!.split(".")).toHaveLength(5); // JWE compact serialisation
      expect(rows[0].sessionToken).toBeNull();
    }

    await client.signOut();
    expect(client.sessionCookie()).toBeUndefined();
    expect(await ctx.db.session.count()).toBe(0);
  });

  it("rejects a wrong password and an unknown email the same way, creating nothing", async () => {
    for (const [email, password] of [
      ["bob@example.com", "wrong-password"],
      ["nobody@example.com", "correct-horse-battery"],
    ]) {
      const client = new AuthClient(ctx.env, ctx.db);
      const response = await client.signIn(email, password);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toContain("error=CredentialsSignin");
      expect(client.sessionCookie()).toBeUndefined();
    }
    expect(await ctx.db.session.count()).toBe(0);
  });
});
