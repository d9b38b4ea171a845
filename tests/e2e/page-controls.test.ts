import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { createTestUser, deleteTestUser, signedInClient, type TestUser } from "./helpers";

// What the server-rendered pages offer, read from their HTML: sign-out everywhere (ASVS 7.4.4) and password
// fields that mask input and work with password managers (ASVS 6.2.6 / 6.2.7).
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
let admin: TestUser;

beforeAll(async () => {
  admin = await createTestUser(db, "page-controls", "admin");
});
afterAll(async () => {
  await deleteTestUser(db, admin);
  await db.$disconnect();
});

/** The server action id of a progressive-enhancement form whose only button is "Sign out". */
const signOutActionId = (html: string) =>
  /name="\$ACTION_ID_([0-9a-f]+)"\/><button[^>]*>Sign out<\/button>/.exec(html)?.[1];

describe(`page controls (${strategy})`, () => {
  it("ASVS 7.4.4 every signed-in page has a working Sign out button (a POST form, no JavaScript needed)", async () => {
    const client = await signedInClient(admin.email, admin.password);
    const ids = new Set<string | undefined>();
    for (const path of ["/", "/dashboard", "/account", "/account/sessions", "/admin"]) {
      const response = await client.fetch(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).toMatch(
        /<form[^>]*method="POST"[^>]*><input type="hidden" name="\$ACTION_ID_[0-9a-f]+"\/><button[^>]*>Sign out<\/button>/,
      );
      ids.add(signOutActionId(html));
    }
    expect([...ids]).toHaveLength(1); // the same sign-out action on every page

    // Submitting that form the way a browser without JavaScript would (multipart POST) ends the session.
    const form = new FormData();
    form.append(`$ACTION_ID_${[...ids][0]}`, "");
    const response = await client.fetch("/dashboard", {
      method: "POST",
      body: form,
      headers: { origin: new URL(baseUrl).origin },
    });
    expect(response.status).toBeLessThan(400);
    expect(client.sessionCookie).toBeUndefined();
    expect((await client.json("/api/me")).status).toBe(401);
  });

  it("ASVS 6.2.6/6.2.7 every password field is type=password with an autocomplete hint, and nothing blocks pasting", async () => {
    const signedIn = await signedInClient(admin.email, admin.password);
    const pages: [HttpClient, string, string[]][] = [
      [new HttpClient(baseUrl), "/login", ["current-password"]],
      [new HttpClient(baseUrl), "/register", ["new-password"]],
      // The password form, then the email form's current password.
      [signedIn, "/account", ["current-password", "new-password", "new-password", "current-password"]],
    ];
    for (const [client, path, hints] of pages) {
      const html = await (await client.fetch(path)).text();
      const fields = [
        ...html.matchAll(/<input[^>]*name="(?:password|currentPassword|newPassword|confirmPassword)"[^>]*>/g),
      ].map((m) => m[0]);
      expect(fields, path).toHaveLength(hints.length);
      for (const [i, field] of fields.entries()) {
        expect(field, path).toContain('type="password"');
        expect(field, path).toContain(`autoComplete="${hints[i]}"`);
      }
      expect(html, path).not.toMatch(/onpaste|autocomplete="off"/i);
    }
  });
});
