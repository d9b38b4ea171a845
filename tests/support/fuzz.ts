import { randomInt } from "node:crypto";

// Seeded input generation for the fuzz tests: the same seed gives the same inputs in the same order, so a
// failure is reproduced with FUZZ_SEED=<seed>. Nothing here talks to a server.

export type Rng = ReturnType<typeof createRng>;

/** The seed from FUZZ_SEED, or a new random one (printed by the test so a failure can be replayed). */
export function fuzzSeed(): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : randomInt(1, 2 ** 31);
}

/** mulberry32: small, fast, and good enough to spread inputs (not for secrets). */
export function createRng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    /** An integer in [min, max]. */
    between: (min: number, max: number) => min + int(max - min + 1),
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    bytes: (length: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length }, () => int(256)),
    /** Picks a generator by weight and runs it. */
    weighted: <T>(choices: readonly (readonly [number, () => T])[]): T => {
      const total = choices.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, make] of choices) {
        roll -= weight;
        if (roll < 0) return make();
      }
      return choices[choices.length - 1][1]();
    },
  };
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight; results keep their index. */
export async function runPool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const index = nextIndex++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

// Pieces that have broken parsers, databases and renderers before.
export const SQL_LIKE = [
  "' OR 1=1 --",
  "admin@example.com' --",
  "' OR '1'='1",
  '" OR ""="',
  '1; DROP TABLE "User"; --',
  '\' UNION SELECT "sessionToken" FROM "Session" --',
  "%' OR email LIKE '%",
  "\\'; SELECT pg_sleep(5); --",
  "'; PRAGMA writable_schema=1; --",
  "`; --",
];
export const JSON_LIKE = [
  '{"$ne":null}',
  '{"$gt":""}',
  '{"$regex":".*"}',
  "[]",
  "{}",
  "null",
  "true",
  '{"__proto__":{"admin":true}}',
];
export const MARKUP_LIKE = [
  "<script>alert(1)</script>",
  "${7*7}",
  "{{7*7}}",
  "%s%s%s%n",
  "../../../../etc/passwd",
  "\r\nSet-Cookie: x=1",
  "javascript:alert(1)",
];
export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];

const UNICODE = [
  "\u0000", // NUL
  "\u0001\u001f\u007f", // control characters
  "\u202e", // right-to-left override
  "\u200f\u200e", // RTL / LTR marks
  "مرحبا", // Arabic
  "שלום", // Hebrew
  "😀", // astral (surrogate pair)
  "𝕏𠜎", // astral letters
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "\u200b\ufeff", // zero-width space, BOM
  "e\u0301\u0301\u0301", // stacked combining marks
  "\ufffd\uffff", // replacement character, non-character
  "ａｄｍｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", // fullwidth
  "аdmin", // Cyrillic a
  "ß", // changes length when upper-cased
  "İ", // changes length when lower-cased
];

const ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

export function asciiString(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ASCII[rng.int(ASCII.length)];
  return out;
}

/** Any UTF-16 code units, including lone surrogates and NUL. */
export function codeUnitString(rng: Rng, length: number): string {
  return String.fromCharCode(...Array.from({ length }, () => rng.int(0x10000)));
}

/** A mix of the unicode pieces above and ASCII. */
export function unicodeString(rng: Rng, pieces: number): string {
  let out = "";
  for (let i = 0; i < pieces; i++) out += rng.chance(0.6) ? rng.pick(UNICODE) : asciiString(rng, rng.between(1, 4));
  return out;
}

/** Lengths from empty to 1 MB, mostly short; `maxBytes` caps the rare huge ones. */
export function fuzzLength(rng: Rng, maxBytes = 1024 * 1024): number {
  return Math.min(
    maxBytes,
    rng.weighted([
      [50, () => rng.between(0, 16)],
      [30, () => rng.between(17, 300)],
      [12, () => rng.between(301, 5000)],
      [6, () => rng.between(5001, 70_000)],
      [2, () => rng.between(70_001, 1024 * 1024)],
    ]),
  );
}

/** A hostile string of any kind. */
export function hostileString(rng: Rng, maxBytes?: number): string {
  return rng.weighted<string>([
    [20, () => asciiString(rng, fuzzLength(rng, maxBytes))],
    [15, () => unicodeString(rng, rng.between(1, 12))],
    [10, () => codeUnitString(rng, Math.min(fuzzLength(rng, maxBytes), 4096))],
    [12, () => rng.pick(SQL_LIKE)],
    [8, () => rng.pick(JSON_LIKE)],
    [6, () => rng.pick(MARKUP_LIKE)],
    [4, () => rng.pick(PROTO_KEYS)],
    [5, () => ""],
    [5, () => " \t\n "],
    [
      5,
      () =>
        rng
          .pick(["a", "x", "0", "-1", "1e309", "NaN", "undefined", "null"])
          .repeat(Math.max(1, fuzzLength(rng, maxBytes))),
    ],
  ]);
}

/** A string that parses as an email address of the fuzz domain, sometimes decorated with quotes or plus tags. */
export function fuzzEmail(rng: Rng, tag: string): string {
  const local = rng.pick(["o'reilly", "first.last", "a+b", "x-y", "under_score", "ABC", "z"]);
  return `${local}.${tag}@fuzz.invalid`;
}

/** An email-ish string: a real-looking address with an injection, unicode or size problem. */
export function hostileEmail(rng: Rng, tag: string, maxBytes?: number): string {
  const base = fuzzEmail(rng, tag);
  return rng.weighted<string>([
    [15, () => `${rng.pick(SQL_LIKE)}@fuzz.invalid`],
    [10, () => `${base}${rng.pick(SQL_LIKE)}`],
    [10, () => `${unicodeString(rng, rng.between(1, 4))}${base}`],
    [10, () => `${base}${unicodeString(rng, rng.between(1, 3))}`],
    [10, () => `${"a".repeat(fuzzLength(rng, maxBytes))}@fuzz.invalid`],
    [10, () => base.replace("@", rng.pick(["", "@@", " @ ", "\u0000@", "＠"]))],
    [5, () => `${base},${fuzzEmail(rng, tag)}`],
    [30, () => hostileString(rng, maxBytes)],
  ]);
}

/** A JSON value of any type for a field that should be a string. */
export function hostileJsonValue(rng: Rng, text: () => string): unknown {
  return rng.weighted<unknown>([
    [40, text],
    [10, () => JSON.parse(rng.pick(JSON_LIKE)) as unknown],
    [10, () => [text(), text()]],
    [8, () => ({ [rng.pick(["$ne", "$gt", "equals", "contains", "not", "in"])]: rng.chance(0.5) ? null : text() })],
    [8, () => rng.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER])],
    [8, () => rng.pick([true, false, null])],
    [6, () => ({ toString: text(), valueOf: text() })],
    [5, () => [[[[[[text()]]]]]]],
  ]);
}

/** A random IPv4 address in 198.18.0.0/15 or IPv6 address in 2001:db8::/32 (both reserved for tests). */
export function testNetworkIp(rng: Rng): string {
  if (rng.chance(0.5)) return `198.${rng.between(18, 19)}.${rng.int(256)}.${rng.int(256)}`;
  const group = () => rng.int(0x10000).toString(16);
  return `2001:db8:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`;
}

/** The value as a form field: strings percent-encoded as UTF-8, byte arrays percent-encoded byte by byte. */
export function formEncode(value: string | Uint8Array): string {
  if (typeof value === "string") return new URLSearchParams({ v: value }).toString().slice(2);
  return Array.from(value, (byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
}

/** A short printable description of an input for failure messages. */
export function describeInput(value: unknown, max = 200): string {
  const text =
    typeof value === "string"
      ? value
      : value instanceof Uint8Array
        ? `<${value.byteLength} bytes>`
        : JSON.stringify(value);
  const shown = (text ?? String(value)).slice(0, max);
  return `${JSON.stringify(shown)}${text && text.length > max ? ` …(${text.length} chars)` : ""}`;
}
