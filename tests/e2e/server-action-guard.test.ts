import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MALFORMED_FORM_MESSAGE } from "../../lib/action-input";
import { SERVER_ACTION_BODY_LIMIT_BYTES } from "../../lib/server-action-guard";
import { launchBrowser } from "../support/browser";
import { projectRoot } from "../../harness/databases";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import {
  createTestUser,
  deleteTestUser,
  rowCounts,
  sessionRowsOf,
  setsSessionCookie,
  signedInClient,
  uniqueEmail,
  type TestUser,
} from "./helpers";

// Malformed and foreign server-action posts get a 4xx from proxy.ts (lib/server-action-guard.ts) before Next.js
// decodes them (Next answered these 500), and actions given something other than a form answer with a message.
// Every request here replays a post Chromium really sent, changed in one way, so only that change is refused.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const ORIGIN = new URL(baseUrl).origin;
let user: TestUser;
let admin: TestUser;

/** A server-action post as the browser sent it. */
type Captured = { path: string; headers: Record<string, string>; body: Buffer };
let login: Captured;
let register: Captured;
let registerEmail: string;

/** What a replay sends of the browser's headers (cookies are the replaying client's own). */
const REPLAYED_HEADERS = ["origin", "next-action", "next-router-state-tree", "content-type", "accept"];

/** Fills a form in Chromium and captures its server-action post without letting it reach the server. */
async function captureAction(path: string, fields: Record<string, string>): Promise<Captured> {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    let captured: Captured | undefined;
    await page.route(`${baseUrl}${path}`, async (route) => {
      const request = route.request();
      if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
      const sent = await request.allHeaders();
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.filter((name) => sent[name] !== undefined).map((name) => [name, sent[name]]),
      );
      captured = { path, headers, body: request.postDataBuffer()! };
      await route.abort();
    });
    await page.goto(`${baseUrl}${path}`);
    for (const [name, value] of Object.entries(fields)) await page.fill(`input[name="${name}"]`, value);
    await page.click('main button[type="submit"]');
    for (let waited = 0; !captured && waited < 15_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (!captured) throw new Error(`no server-action post from ${path}`);
    return captured;
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  user = await createTestUser(db, "action-guard");
  admin = await createTestUser(db, "action-guard-admin", "admin");
  login = await captureAction("/login", { email: user.email, password: user.password });
  registerEmail = uniqueEmail("action-guard-new");
  register = await captureAction("/register", {
    name: "Guard Test",
    email: registerEmail,
    password: "a-good-long-password",
  });
}, 120_000);
afterAll(async () => {
  await deleteTestUser(db, user);
  await deleteTestUser(db, admin);
  await db.$disconnect();
});

/** Replays a captured post with some headers or the body replaced (a header set to null is left out). */
function replay(
  action: Captured,
  change: { headers?: Record<string, string | null>; body?: BodyInit } = {},
  client = new HttpClient(baseUrl),
) {
  const headers = new Headers();
  for (const [name, value] of Object.entries({ ...action.headers, ...change.headers }))
    if (value !== null) headers.set(name, value);
  const body = change.body ?? new Uint8Array(action.body);
  return client.fetch(action.path, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

/** The captured multipart body as a FormData, to change its fields. */
async function capturedForm(action: Captured): Promise<FormData> {
  return new Response(new Uint8Array(action.body), {
    headers: { "content-type": action.headers["content-type"] },
  }).formData();
}
/** A FormData body with a changed FormData argument field ("_1_email" and the like), plus the matching header. */
async function withField(action: Captured, field: string, value: string) {
  const form = await capturedForm(action);
  const name = [...form.keys()].find((key) => key.endsWith(`_${field}`))!;
  expect(name, `no ${field} field in the captured post`).toBeTruthy();
  form.set(name, value);
  const encoded = new Request(baseUrl, { method: "POST", body: form });
  return {
    headers: { "content-type": encoded.headers.get("content-type")! },
    body: new Uint8Array(await encoded.arrayBuffer()),
  };
}

/** Runs `send`, then checks the guard answered with a short no-store JSON 4xx and the app's headers, changing nothing. */
async function expectRefused(send: () => Promise<Response>, status: number, error: RegExp) {
  const before = await rowCounts(db);
  const sessionsBefore = await sessionRowsOf(db, user.id);
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toMatch(error);
  expect(body.message.length).toBeGreaterThan(10);
  expect(setsSessionCookie(response)).toBe(false);
  expect(await rowCounts(db)).toEqual(before);
  expect(await sessionRowsOf(db, user.id)).toEqual(sessionsBefore);
  expect(await db.user.count({ where: { email: registerEmail } })).toBe(0);
}

const text = (body: string) => ({ headers: { "content-type": "text/plain;charset=UTF-8" }, body });
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe(`server-action posts refused before Next.js decodes them (${strategy})`, () => {
  it("the captured posts are real: Chromium sent them with its Origin, as multipart, to a real action", async () => {
    for (const action of [login, register]) {
      expect(action.headers["origin"]).toBe(ORIGIN);
      expect(action.headers["next-action"]).toMatch(/^[0-9a-f]{40,}$/);
      expect(action.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    }
  });

  it.each([
    ["a foreign Origin", "https://evil.example", /foreign_origin/],
    ["Origin: null", "null", /foreign_origin/],
    [
      "the app's host on another port",
      ORIGIN.replace(/:(\d+)$/, (_, port) => `:${Number(port) + 1}`),
      /foreign_origin/,
    ],
    ["no Origin", null, /origin_required/],
  ])("ASVS 3.5.1 the sign-in post with %s → 403", async (_label, origin, error) => {
    await expectRefused(() => replay(login, { headers: { origin } }), 403, error);
  });

  it("ASVS 3.5.1 a registration posted from a foreign Origin → 403 and no user is created", async () => {
    await expectRefused(() => replay(register, { headers: { origin: "https://evil.example" } }), 403, /foreign_origin/);
  });

  it("a body over the 1 MB action limit → 413, declared or streamed without Content-Length", async () => {
    const padded = await withField(login, "password", "x".repeat(SERVER_ACTION_BODY_LIMIT_BYTES + 1));
    await expectRefused(() => replay(login, padded), 413, /too_large/);

    const bytes = padded.body;
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
          controller.close();
        },
      });
    await expectRefused(() => replay(login, { headers: padded.headers, body: stream() }), 413, /too_large/);
  });

  it.each([
    ["a 50,000-deep nested text/plain body → 400", text(nested(50_000)), 400, /too_deep/],
    ["a text/plain body that is not JSON → 400", text("email=a&password=b"), 400, /malformed_arguments/],
    [
      "a text/plain body referring to parts it does not carry → 400",
      text('[{"status":"idle"},"$K1","$1"]'),
      400,
      /malformed_arguments/,
    ],
    [
      "garbage multipart → 400",
      { headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x\r\nbroken" },
      400,
      /malformed_body/,
    ],
    [
      "an application/json body → 415",
      { headers: { "content-type": "application/json" }, body: "[]" },
      415,
      /unsupported_media_type/,
    ],
  ])("%s", async (_label, change, status, error) => {
    await expectRefused(() => replay(login, change), status, error);
  });

  it("a 50,000-deep part inside an otherwise real multipart post → 400", async () => {
    const form = await capturedForm(login);
    form.set("0", `[${nested(50_000)}]`);
    const encoded = new Request(baseUrl, { method: "POST", body: form });
    const change = {
      headers: { "content-type": encoded.headers.get("content-type")! },
      body: new Uint8Array(await encoded.arrayBuffer()),
    };
    await expectRefused(() => replay(login, change), 400, /too_deep/);
  });

  it("a real multipart post whose arguments refer to a part it does not carry → 400", async () => {
    const form = await capturedForm(login);
    form.set("0", '[{"status":"idle"},"$7"]');
    const encoded = new Request(baseUrl, { method: "POST", body: form });
    const change = {
      headers: { "content-type": encoded.headers.get("content-type")! },
      body: new Uint8Array(await encoded.arrayBuffer()),
    };
    await expectRefused(() => replay(login, change), 400, /malformed_arguments/);
  });

  it("ASVS 3.5.1 a form posted without JavaScript (the header's sign-out) from a foreign Origin → 403, the session stays", async () => {
    const client = await signedInClient(user.email, user.password);
    const html = await (await client.fetch("/dashboard")).text();
    const signOutId = /name="\$ACTION_ID_([0-9a-f]+)"\/><button[^>]*>Sign out<\/button>/.exec(html)?.[1];
    expect(signOutId).toBeTruthy();
    const form = new FormData();
    form.append(`$ACTION_ID_${signOutId}`, "");
    const response = await client.fetch("/dashboard", {
      method: "POST",
      body: form,
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect((await client.json("/api/me")).status).toBe(200);
    await client.signOut();
  });

  it("control: the same posts unchanged sign in and register (so the refusals above are the guard's doing)", async () => {
    const client = new HttpClient(baseUrl);
    const signedIn = await replay(login, {}, client);
    expect(signedIn.status).toBe(200);
    expect(setsSessionCookie(signedIn)).toBe(true);
    expect((await client.json("/api/me")).status).toBe(200);
    await client.signOut();

    const otherEmail = uniqueEmail("action-guard-control");
    const registered = await replay(register, await withField(register, "email", otherEmail));
    expect(registered.status).toBe(200);
    expect(await db.user.count({ where: { email: otherEmail } })).toBe(1);
    await db.user.deleteMany({ where: { email: otherEmail } });
  });
});

describe(`server actions given something other than a form (${strategy})`, () => {
  it.each([
    ["a plain string", '[{"status":"idle"},"email=a@example.com&password=x"]'],
    ["an object", '[{"status":"idle"},{"email":"a@example.com","password":"x"}]'],
    ["nothing", "[]"],
  ])("sign-in and registration given %s answer with a message and change nothing", async (_label, args) => {
    for (const action of [login, register]) {
      const before = await rowCounts(db);
      const response = await replay(action, text(args));
      expect(response.status, action.path).toBe(200); // an action cannot choose its status: its result carries the error
      expect(await response.text(), action.path).toContain(MALFORMED_FORM_MESSAGE);
      expect(setsSessionCookie(response)).toBe(false);
      expect(await rowCounts(db)).toEqual(before);
    }
  });

  it("every server action of the app, called by an admin with arguments that are not a form, answers without a 5xx", async () => {
    // Every action the build contains, from Next's own manifest, posted to a page that serves it.
    const manifestPath = join(
      projectRoot,
      process.env.NEXT_DIST_DIR || ".next",
      "server",
      "server-reference-manifest.json",
    );
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      node: Record<string, { workers: object; exportedName: string }>;
    };
    const actions = Object.entries(manifest.node)
      .filter(([, action]) => action.exportedName !== "signOutAction") // takes no arguments, and would end this client's session
      .map(([id, action]) => {
        const worker = Object.keys(action.workers).find((name) => !name.includes("_not-found"))!;
        return { id, name: action.exportedName, path: worker.replace(/^app/, "").replace(/\/page$/, "") || "/" };
      });
    expect(actions.length).toBeGreaterThanOrEqual(17);

    const client = await signedInClient(admin.email, admin.password);
    const usersBefore = await db.user.findMany({
      orderBy: { id: "asc" },
      select: { id: true, roleName: true, active: true },
    });
    for (const { id, name, path } of actions) {
      for (const args of [
        '["a string"]',
        '[{},"a string"]',
        "[null,null]",
        "[]",
        '[{},{"productId":"notebook","userId":"x"}]',
      ]) {
        const response = await client.fetch(path, {
          method: "POST",
          headers: {
            "next-action": id,
            origin: ORIGIN,
            "content-type": "text/plain;charset=UTF-8",
            accept: "text/x-component",
          },
          body: args,
        });
        expect(response.status, `${name} on ${path} with ${args}`).toBeLessThan(500);
        await response.arrayBuffer();
      }
    }
    expect(
      await db.user.findMany({ orderBy: { id: "asc" }, select: { id: true, roleName: true, active: true } }),
    ).toEqual(usersBefore);
    expect((await client.json("/api/me")).status).toBe(200);
  });
});
