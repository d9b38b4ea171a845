import { describe, expect, it } from "vitest";
import { browserInWords } from "../../lib/browser-name";

// Security notices name the browser in plain words; the User-Agent header is whatever the client sent.
describe("browserInWords", () => {
  it.each([
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
      "Chrome 156 on Linux",
    ],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox 140 on macOS"],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15",
      "Safari 26 on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1",
      "Safari 26 on iOS",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
      "Edge 140 on Windows",
    ],
    [
      "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
      "Chrome 140 on Android",
    ],
  ])("%s → %s", (userAgent, words) => {
    expect(browserInWords(userAgent)).toBe(words);
  });

  it("is null for no header, tools and garbage (the notice then says 'an unknown browser')", () => {
    for (const userAgent of [null, undefined, "", "curl/8.5.0", "node", "\u0000\u0001", "🙂🙂🙂"])
      expect(browserInWords(userAgent)).toBeNull();
  });

  it("never passes on what the client typed: markup and line breaks do not come out", () => {
    for (const userAgent of [
      "<script>alert(1)</script>/1.0",
      "Mozilla/5.0 (X11; Linux x86_64) Chrome/1<img src=x>\r\nBcc: a@evil.test",
      "Mozilla/5.0 (Windows NT 10.0) Firefox/<b>99</b>",
    ]) {
      const words = browserInWords(userAgent);
      expect(words ?? "").not.toMatch(/[<>\r\n]|Bcc/);
    }
  });

  it("a huge header is cut before parsing, quickly, with a short answer", () => {
    const huge = `Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 ${"(a; ".repeat(250_000)}`;
    const started = performance.now();
    const words = browserInWords(huge);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(words).toBe("Chrome 156 on Linux");
    expect(browserInWords("A".repeat(1_000_000))).toBeNull();
  });
});
