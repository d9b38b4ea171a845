// Where a signed-out visitor is sent: the sign-in page, told which same-origin path to return to afterwards
// (lib/safe-redirect.ts decides whether that path is followed). Used by proxy.ts, the DAL and the browser.

export function loginUrl(callbackPath: string): string {
  return `/login?callbackUrl=${encodeURIComponent(callbackPath)}`;
}
