import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkServerActionRequest,
  isServerActionRequest,
  MAX_REPLY_NESTING,
  MAX_REPLY_PARTS,
  nestsDeeperThan,
  SERVER_ACTION_BODY_LIMIT_BYTES,
} from "../../lib/server-action-guard";

const URL_ = "http://localhost:3000/login";
const SAME_ORIGIN = { origin: "http://localhost:3000", host: "localhost:3000", "next-action": "7f".padEnd(42, "0") };

function post(body: BodyInit | null, headers: Record<string, string>, url = URL_) {
  return new Request(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}
const text = (body: string, headers: Record<string, string> = {}) =>
  post(body, { ...SAME_ORIGIN, "content-type": "text/plain;charset=UTF-8", ...headers });
function multipart(entries: [string, string][], headers: Record<string, string> = SAME_ORIGIN) {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  const request = new Request(URL_, { method: "POST", body: form });
  return post(request.body, { ...headers, "content-type": request.headers.get("content-type")! });
}
const statusOf = async (request: Request) => (await checkServerActionRequest(request))?.status ?? "accepted";
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** Runs React's own reply decoder (the one Next uses for server actions) in a child with the react-server condition. */
function reactDecodes(bodies: (string | [string, string][])[]): boolean[] {
  const decoder = join(
    process.cwd(),
    "node_modules/next/dist/compiled/react-server-dom-webpack/cjs/react-server-dom-webpack-server.node.production.js",
  );
  const script = `
    const { decodeReply } = require(${JSON.stringify(decoder)});
    const bodies = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    const toBody = (b) => typeof b === "string" ? b : b.reduce((form, [k, v]) => (form.append(k, v), form), new FormData());
    const timeout = () => new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 1000));
    Promise.all(bodies.map((b) => Promise.race([decodeReply(toBody(b), {}, {}), timeout()]).then(() => true, () => false)))
      .then((results) => process.stdout.write(JSON.stringify(results)));`;
  const output = execFileSync(process.execPath, ["--conditions", "react-server", "-e", script], {
    input: JSON.stringify(bodies),
    maxBuffer: 1e8,
  });
  return JSON.parse(output.toString()) as boolean[];
}

describe("which requests are server actions", () => {
  it("POSTs to pages with Next-Action, or multipart POSTs to pages; never /api or other methods", () => {
    expect(isServerActionRequest(post("[]", { "next-action": "x" }))).toBe(true);
    expect(isServerActionRequest(post("x", { "content-type": "multipart/form-data; boundary=x" }))).toBe(true);
    expect(isServerActionRequest(post("a=b", { "content-type": "application/x-www-form-urlencoded" }))).toBe(false);
    expect(isServerActionRequest(post("[]", { "next-action": "x" }, "http://localhost:3000/api/register"))).toBe(false);
    expect(isServerActionRequest(new Request(URL_, { headers: { "next-action": "x" } }))).toBe(false);
  });
});

describe("Origin", () => {
  it.each([
    ["missing", { origin: "" }],
    ["null", { origin: "null" }],
    ["foreign", { origin: "https://evil.example" }],
    ["same host, other port", { origin: "http://localhost:3001" }],
    ["not a URL", { origin: "garbage" }],
    [
      "foreign, with the app's host only in X-Forwarded-Host of another entry",
      { origin: "https://evil.example", "x-forwarded-host": "localhost:3000, evil.example" },
    ],
  ])("%s → 403", async (_label, headers) => {
    const request = text("[]", headers);
    if (!headers.origin) request.headers.delete("origin");
    expect(await statusOf(request)).toBe(403);
  });

  it("the app's own host (Host, or the first X-Forwarded-Host behind a proxy) is accepted", async () => {
    expect(await statusOf(text("[]"))).toBe("accepted");
    expect(
      await statusOf(
        text("[]", { origin: "https://app.example.com", "x-forwarded-host": "app.example.com, internal:3000" }),
      ),
    ).toBe("accepted");
  });
});

describe("content type and size", () => {
  it.each([
    ["application/json", 415],
    ["", 415],
    ["application/x-www-form-urlencoded", "accepted"], // Next answers those 404 itself
  ])("%s → %s", async (contentType, status) => {
    const request = post("[]", { ...SAME_ORIGIN, ...(contentType ? { "content-type": contentType } : {}) });
    if (!contentType) request.headers.delete("content-type");
    expect(await statusOf(request)).toBe(status);
  });

  it("a declared Content-Length over the limit → 413 without reading the body", async () => {
    const request = text("[]", { "content-length": String(SERVER_ACTION_BODY_LIMIT_BYTES + 1) });
    expect(await statusOf(request)).toBe(413);
    expect(request.bodyUsed).toBe(false);
  });

  it("a body streamed past the limit without Content-Length → 413; one just under it is read", async () => {
    const stream = (bytes: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`["${"x".repeat(bytes - 4)}"]`));
          controller.close();
        },
      });
    expect(
      await statusOf(
        post(stream(SERVER_ACTION_BODY_LIMIT_BYTES + 1), { ...SAME_ORIGIN, "content-type": "text/plain" }),
      ),
    ).toBe(413);
    expect(
      await statusOf(post(stream(SERVER_ACTION_BODY_LIMIT_BYTES), { ...SAME_ORIGIN, "content-type": "text/plain" })),
    ).toBe("accepted");
  });
});

describe("text/plain reply bodies", () => {
  const accepted = [
    "[]",
    '[{"status":"idle"},"a plain string instead of FormData"]',
    '["$undefined","$$escaped","$D2020-01-01T00:00:00.000Z","$n12","$NaN","$-0","$Infinity","$-Infinity"]',
    nested(MAX_REPLY_NESTING),
    `["${"[".repeat(100)}"]`, // brackets inside a string are not nesting
  ];
  const refused = [
    nested(50_000),
    nested(MAX_REPLY_NESTING + 1),
    '["$1"]',
    '["$Q1"]',
    '["$F1"]',
    '"not an array"',
    "{}",
    '{"a":',
    "",
    "plain text",
  ];

  it("what the guard accepts, React's decoder decodes", async () => {
    for (const body of accepted) expect(await statusOf(text(body)), body.slice(0, 40)).toBe("accepted");
    expect(reactDecodes(accepted)).toEqual(accepted.map(() => true));
  });

  it("deep nesting, references to parts that are not there, non-arrays and non-JSON → 400", async () => {
    for (const body of refused) expect(await statusOf(text(body)), body.slice(0, 40)).toBe(400);
    // Without the guard these reach React's decoder, which fails on them (Next then answers 500).
    const [deep, , missingPart, missingMap, missingFunction, , , broken] = reactDecodes(refused);
    expect([deep, missingPart, missingMap, missingFunction, broken]).toEqual([false, false, false, false, false]);
  });
});

describe("multipart reply bodies", () => {
  const chain = (parts: number, depth = 1) =>
    Array.from({ length: parts }, (_, i): [string, string] => {
      const next = i + 1 < parts ? `"$${(i + 1).toString(16)}"` : '"end"';
      return [String(i), "[".repeat(depth - 1) + next + "]".repeat(depth - 1)];
    });

  it("a browser's fetch-action form and the deepest reply the limits allow are accepted and decode", async () => {
    const browserForm: [string, string][] = [
      ["0", '[{"status":"idle"},"$K1"]'],
      ["_1_email", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ not json, just what the user typed"],
      ["_1_password", "x"],
    ];
    const largest = chain(MAX_REPLY_PARTS, MAX_REPLY_NESTING);
    expect(await statusOf(multipart(browserForm))).toBe("accepted");
    expect(await statusOf(multipart(largest))).toBe("accepted");
    expect(reactDecodes([browserForm, largest])).toEqual([true, true]);
  });

  it("too many parts, a part nested too deep, a part that is not JSON, no root array, or garbage → 400", async () => {
    const longChain = chain(5_000);
    expect(await statusOf(multipart(longChain))).toBe(400);
    expect(await statusOf(multipart(chain(MAX_REPLY_PARTS + 1)))).toBe(400);
    expect(await statusOf(multipart([["0", nested(50_000)]]))).toBe(400);
    expect(
      await statusOf(
        multipart([
          ["0", "[]"],
          ["S1", nested(MAX_REPLY_NESTING + 1)],
        ]),
      ),
    ).toBe(400);
    expect(await statusOf(multipart([["0", "{not json"]]))).toBe(400);
    expect(await statusOf(multipart([["1", "[]"]]))).toBe(400);
    expect(await statusOf(multipart([["0", '"a string"']]))).toBe(400);
    const garbage = post("--x\r\nbroken", { ...SAME_ORIGIN, "content-type": "multipart/form-data; boundary=x" });
    expect(await statusOf(garbage)).toBe(400);
    // Without the guard React's decoder overflows its stack on the long chain and the deep part.
    expect(reactDecodes([longChain, [["0", nested(50_000)]]])).toEqual([false, false]);
  });

  it("a reference to a part the body does not carry → 400; the same reference with its part is accepted", async () => {
    const missing: [string, string][][] = [
      [["0", '[{"status":"idle"},"$1"]']],
      [
        ["0", '["$Q2"]'],
        ["1", "[]"],
      ],
      [["0", '[{"a":"$@a:b"}]']],
      [
        ["0", '["$1"]'],
        ["1", '["$B5"]'],
      ],
    ];
    for (const entries of missing) expect(await statusOf(multipart(entries)), JSON.stringify(entries)).toBe(400);
    const present: [string, string][] = [
      ["0", '["$1","$Q2","$$1","$D2026-01-01"]'],
      ["1", '{"a":1}'],
      ["2", "[]"],
    ];
    expect(await statusOf(multipart(present))).toBe("accepted");
    // Without the guard React waits for the part until the body ends, then fails (Next answers 500); a promise
    // ("$@") is handed to the action still pending instead.
    expect(reactDecodes([...missing.slice(0, 2), present])).toEqual([false, false, true]);
  });

  it("a form posted without JavaScript: its $ACTION_ parts are checked, its fields are not", async () => {
    const form = (bound: string): [string, string][] => [
      ["$ACTION_REF_1", ""],
      ["$ACTION_1:0", `{"id":"abc","bound":"$@1"}`],
      ["$ACTION_1:1", bound],
      ["$ACTION_KEY", "k0"],
      ["email", nested(100)],
    ];
    const noOrigin = { host: "localhost:3000", origin: "http://localhost:3000" };
    expect(await statusOf(multipart(form('[{"status":"idle"}]'), noOrigin))).toBe("accepted");
    expect(await statusOf(multipart(form(nested(50_000)), noOrigin))).toBe(400);
    expect(await statusOf(multipart(form('[{"status":"idle"},"$2"]'), noOrigin))).toBe(400);
    expect(
      await statusOf(
        multipart(
          [
            ["$ACTION_ID_abc", ""],
            ["0", nested(100)],
          ],
          noOrigin,
        ),
      ),
    ).toBe("accepted");
  });
});

describe("nestsDeeperThan", () => {
  it("counts arrays and objects outside strings, including escaped quotes", () => {
    expect(nestsDeeperThan('[{"a":[1]}]', 3)).toBe(false);
    expect(nestsDeeperThan('[{"a":[1]}]', 2)).toBe(true);
    expect(nestsDeeperThan('["[[[[\\"[[[["]', 1)).toBe(false);
    expect(nestsDeeperThan("[][][][]", 1)).toBe(false);
  });
});
