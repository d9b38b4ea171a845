// Small pieces of wording shared by the templates.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "3 Dec 2026, 14:05 UTC": the same for every reader, whatever the server's locale. */
export function formatUtc(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
  return `${date}, ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}

/** "30 minutes", "1 hour", "2 days". */
export function formatDuration(minutes: number): string {
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes >= 1440 && minutes % 1440 === 0) return count(minutes / 1440, "day");
  if (minutes >= 60 && minutes % 60 === 0) return count(minutes / 60, "hour");
  return count(Math.max(1, Math.round(minutes)), "minute");
}

/** A value from a request (a browser name, an address) as one short line: no control characters, at most `max`. */
export function oneLine(value: string, max = 100): string {
  const flat = value
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * "j…@example.com": enough for the owner to recognise an address, not enough to learn someone's new one from a
 * mailbox they no longer control (an old work address, say).
 */
export function partlyHidden(address: string): string {
  const flat = oneLine(address, 254);
  const at = flat.lastIndexOf("@");
  if (at < 1) return "…";
  return `${flat.slice(0, 1)}…${flat.slice(at)}`;
}
