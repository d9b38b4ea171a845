import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DemoUsers } from "../../app/login/demo-users";
import { formatDateTime } from "../../lib/format-date";
import { DEMO_USERS } from "../../lib/seed";

// Presentational helpers whose other branch the e2e suite (a production build) never sees.

describe("the demo users on /login", () => {
  it("are listed with their passwords outside production", () => {
    for (const nodeEnv of ["development", "test"]) {
      const html = renderToStaticMarkup(createElement(DemoUsers, { nodeEnv }));
      for (const user of Object.values(DEMO_USERS)) {
        expect(html).toContain(user.email);
        expect(html).toContain(user.password);
      }
    }
  });

  it("are not rendered at all in production", () => {
    expect(renderToStaticMarkup(createElement(DemoUsers, { nodeEnv: "production" }))).toBe("");
  });
});

describe("formatDateTime", () => {
  it("shows every moment the same way, in UTC and saying so", () => {
    expect(formatDateTime(new Date("2026-12-07T09:05:59Z"))).toBe("7 Dec 2026, 09:05 UTC");
    expect(formatDateTime("2026-01-31T23:59:00.000Z")).toBe("31 Jan 2026, 23:59 UTC");
    expect(formatDateTime(Date.UTC(2026, 5, 1, 0, 0))).toBe("1 Jun 2026, 00:00 UTC");
  });
});
