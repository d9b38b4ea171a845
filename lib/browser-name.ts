import UAParser from "ua-parser-js";

// A User-Agent header in words for a security notice: "Chrome 156 on Linux". The header is whatever the client
// sent, so only the parser's recognised names and a numeric major version come out, each cut short.

/** Longer headers are cut before parsing: the parser's work stays bounded and no real browser sends more. */
const USER_AGENT_PARSE_LIMIT = 512;
const PART_LIMIT = 40;

// The parser's names where plainer words exist.
const PLAIN_NAMES: Record<string, string> = {
  "Mobile Safari": "Safari",
  "Mac OS": "macOS",
  "Chromium OS": "ChromeOS",
  "Chrome Headless": "Headless Chrome",
};

function plain(name: string | undefined): string {
  const clean = (name ?? "")
    .replace(/[^A-Za-z0-9 .+_-]/g, "")
    .trim()
    .slice(0, PART_LIMIT);
  return PLAIN_NAMES[clean] ?? clean;
}

/** "Chrome 156 on Linux", "Firefox on Windows", "a browser on Android", or null when nothing is recognisable. */
export function browserInWords(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const parser = new UAParser(userAgent.slice(0, USER_AGENT_PARSE_LIMIT));
  const browser = parser.getBrowser();
  const name = plain(browser.name);
  const major = /^\d{1,6}$/.test(browser.major ?? "") ? browser.major : "";
  const os = plain(parser.getOS().name);
  const who = name ? [name, major].filter(Boolean).join(" ") : os ? "a browser" : "";
  if (!who) return null;
  return os ? `${who} on ${os}` : who;
}
