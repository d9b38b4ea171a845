import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { REGISTER_BODY_MAX_BYTES } from "../../lib/registration";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { rowCounts, signedInClient, uniqueEmail } from "./helpers";

// POST /api/register over HTTP: the answers for each kind of input (the fuzz in fuzz.test.ts covers the rest).
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const createdEmails: string[] = [];

afterAll(async () => {
  await db.user.deleteMany({ where: { email: { in: createdEmails } } });
  await db.$disconnect();
});

type Answer = { status: number; body: Record<string, unknown>; setCookies: string[] };

async function register(
  body: BodyInit,
  headers: Record<string, string> = { "content-type": "application/json" },
  extra: RequestInit & { duplex?: "half" } = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}/api/register`, { method: "POST", headers, body, ...extra });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    setCookies: response.headers.getSetCookie(),
  };
}

function newAccount(label: string) {
  const email = uniqueEmail(`api-${label}`);
  createdEmails.push(email);
  return { name: `API ${label}`, email, password: `pw-${randomBytes(8).toString("hex")}` };
}

/** A JSON body padded with spaces to exactly `size` bytes (still a valid registration). */
function paddedJson(account: object, size: number): string {
  const json = JSON.stringify(account);
  return json.slice(0, -1) + " ".repeat(size - Buffer.byteLength(json)) + "}";
}

describe(`POST /api/register (${strategy})`, () => {
  it("201 for a JSON registration: a 'user' account that can sign in; the answer sets no cookie", async () => {
    const account = newAccount("json");
    const answer = await register(
      JSON.stringify({ ...account, email: account.email.toUpperCase(), roleName: "admin", active: false }),
    );

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: expect.any(String), email: account.email, mustConfirm: false }); // confirmation off here
    expect(answer.setCookies).toEqual([]);
    const row = await db.user.findUniqueOrThrow({ where: { id: answer.body.id as string } });
    expect(row).toMatchObject({ email: account.email, roleName: "user", active: true }); // extra fields are ignored
    await signedInClient(account.email, account.password);
  });

  it("201 for a form-encoded and a multipart body too", async () => {
    const form = newAccount("form");
    expect(
      (await register(new URLSearchParams(form).toString(), { "content-type": "application/x-www-form-urlencoded" }))
        .status,
    ).toBe(201);
    const multipart = newAccount("multipart");
    const data = new FormData();
    for (const [key, value] of Object.entries(multipart)) data.append(key, value);
    expect((await register(data, {})).status).toBe(201);
  });

  it("409 for a taken email in any case, and the existing account keeps its password", async () => {
    const before = await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } });
    const answer = await register(
      JSON.stringify({ name: "Mallory", email: DEMO.user.email.toUpperCase(), password: "a-new-password" }),
    );
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: "duplicate", fieldErrors: { email: [expect.any(String)] } });
    expect(await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } })).toEqual(before);
  });

  it("400 with field errors for invalid fields, arrays via repeated keys, and a name with a NUL character", async () => {
    const before = await rowCounts(db);
    const invalid = await register(JSON.stringify({ name: "", email: "not-an-email", password: "short" }));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      error: "invalid",
      fieldErrors: { name: [expect.any(String)], email: [expect.any(String)], password: [expect.any(String)] },
    });

    const account = newAccount("repeated");
    const repeated = `${new URLSearchParams(account)}&email=${encodeURIComponent(uniqueEmail("second"))}`;
    const arrays = await register(repeated, { "content-type": "application/x-www-form-urlencoded" });
    expect(arrays).toMatchObject({ status: 400, body: { fieldErrors: { email: [expect.any(String)] } } });

    // PostgreSQL cannot store NUL in text: before the name rule this was a 500 (found by the fuzz test).
    const nul = await register(JSON.stringify({ ...newAccount("nul"), name: "Null\u0000Byte" }));
    expect(nul).toMatchObject({ status: 400, body: { fieldErrors: { name: [expect.any(String)] } } });

    for (const body of ["{", "[]", "null", '"text"']) {
      expect(await register(body)).toMatchObject({ status: 400, body: { error: "malformed_body" } });
    }
    expect(await rowCounts(db)).toEqual(before);
  });

  it("413 past 16 KB (REGISTER_BODY_MAX_BYTES), with or without Content-Length, and nothing is created", async () => {
    const atLimit = newAccount("at-limit");
    expect((await register(paddedJson(atLimit, REGISTER_BODY_MAX_BYTES))).status).toBe(201);

    const before = await rowCounts(db);
    const over = newAccount("over-limit");
    const tooLarge = await register(paddedJson(over, REGISTER_BODY_MAX_BYTES + 1));
    expect(tooLarge).toMatchObject({ status: 413, body: { error: "too_large" } });

    // Streamed (chunked): the size is only known while reading, and reading stops being kept at the cap.
    const bytes = new TextEncoder().encode(paddedJson(over, 1024 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
        controller.close();
      },
    });
    expect(await register(stream, { "content-type": "application/json" }, { duplex: "half" })).toMatchObject({
      status: 413,
    });
    expect(await rowCounts(db)).toEqual(before);
    expect(await db.user.findUnique({ where: { email: over.email } })).toBeNull();
  });

  it("415 for other content types, 403 for a cross-origin browser request, 405 for GET: none creates a user", async () => {
    const before = await rowCounts(db);
    const account = newAccount("refused");
    expect((await register(JSON.stringify(account), { "content-type": "text/plain" })).status).toBe(415);
    for (const origin of ["https://evil.example", "null"]) {
      const crossOrigin = await register(new URLSearchParams(account).toString(), {
        "content-type": "application/x-www-form-urlencoded",
        origin,
      });
      expect(crossOrigin).toMatchObject({ status: 403, body: { error: "cross_origin" } });
    }
    expect((await fetch(`${baseUrl}/api/register?${new URLSearchParams(account)}`)).status).toBe(405);
    expect(await rowCounts(db)).toEqual(before);

    // The same request from the app's own origin is accepted, so the 403 above was the origin check.
    expect(
      (await register(JSON.stringify(account), { "content-type": "application/json", origin: new URL(baseUrl).origin }))
        .status,
    ).toBe(201);
  });
});
