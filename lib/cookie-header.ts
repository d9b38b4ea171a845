// A Cookie request header split into its pairs the way Auth.js splits it (the `cookie` package's parse, which
// @auth/core vendors): pairs are separated by ";", a pair without "=" is skipped, names and values are trimmed of
// spaces and tabs, and a value is percent-decoded when it decodes. Unlike a parse into an object, every occurrence
// is kept: a browser sends two cookies of one name (different Domain or Path) side by side, and Auth.js reads the
// first of them while Next.js's cookies() reads the last, so a reader that must agree with both has to see them.

type CookiePair = { name: string; value: string };

const isBlank = (code: number) => code === 0x20 || code === 0x09;

function trim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function decode(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One ";"-separated segment as a pair, or null when it has no "=" (skipped). */
function pairOf(segment: string): CookiePair | null {
  const eq = segment.indexOf("=");
  return eq === -1 ? null : { name: trim(segment.slice(0, eq)), value: decode(trim(segment.slice(eq + 1))) };
}

/** Every name=value pair of a Cookie header, in the order the browser sent them. */
export function cookiePairs(header: string | null | undefined): CookiePair[] {
  if (!header) return [];
  return header.split(";").flatMap((segment) => pairOf(segment) ?? []);
}

/** The values sent under exactly this name, in order (more than one means the name is ambiguous). */
export function cookieValues(header: string | null | undefined, name: string): string[] {
  return cookiePairs(header)
    .filter((pair) => pair.name === name)
    .map((pair) => pair.value);
}

/** The Cookie header without the pairs `drop` picks, every other pair kept exactly as it was sent. */
export function withoutCookies(header: string, drop: (pair: CookiePair) => boolean): string {
  return header
    .split(";")
    .filter((segment) => {
      const pair = pairOf(segment);
      return pair === null || !drop(pair);
    })
    .join(";");
}
