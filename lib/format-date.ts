// One way to show a moment on every page: "7 Dec 2026, 14:05 UTC". Pages render on the server, which does not
// know the reader's time zone, so the zone is always UTC and said so.
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

export function formatDateTime(date: Date | string | number): string {
  return `${DATE_TIME.format(new Date(date))} UTC`;
}
