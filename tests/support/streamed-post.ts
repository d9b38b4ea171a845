import { request } from "node:http";

// Large request bodies written in chunks as the socket drains, never held in this process. With `declareLength` the
// body has a Content-Length; without it, chunked encoding. `pauseMs` waits that long after the first chunk for an
// early answer (as a client sending `Expect: 100-continue` would) before streaming the rest: otherwise megabytes
// sit in loopback socket buffers before a 413 can arrive, and the server's reading of them (and dropping) blurs
// what it keeps.

export type StreamedAnswer = { status: number | null; body: string; error: string | null; sentBytes: number };

export function postStreamed(
  url: string,
  options: {
    prefix: string;
    totalBytes: number;
    declareLength: boolean;
    pauseMs?: number;
    headers?: Record<string, string>;
  },
): Promise<StreamedAnswer> {
  const { prefix, totalBytes, declareLength, pauseMs = 0, headers = {} } = options;
  const filler = Buffer.alloc(64 * 1024, "x");
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let body = "";
    let settled = false;
    const settle = (error: string | null) => {
      if (settled) return;
      settled = true;
      resolve({ status, body, error, sentBytes: sent });
    };
    const req = request(url, {
      method: "POST",
      headers: { ...headers, ...(declareLength ? { "content-length": String(totalBytes) } : {}) },
    });
    req.on("response", (response) => {
      status = response.statusCode ?? null;
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("end", () => {
        settle(null);
        req.destroy(); // the answer is in: stop sending the rest
      });
    });
    // A server that stops reading may close the connection while we are still sending: that is an answer too.
    req.on("error", (error) => settle(status === null ? error.message : null));
    const write = () => {
      while (sent < totalBytes && !settled) {
        const piece = filler.subarray(0, Math.min(filler.length, totalBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      if (!settled) req.end();
    };
    sent = prefix.length;
    req.write(prefix);
    if (pauseMs > 0) setTimeout(write, pauseMs);
    else write();
  });
}
