// Request bodies for route handlers, read with a size cap BEFORE any parsing: at most `maxBytes` are ever
// buffered, whatever Content-Length claims, and an oversized body is a 413 answer.

type BodyFields = Record<string, unknown>;

type ParsedBody =
  | { ok: true; fields: BodyFields }
  | {
      ok: false;
      status: 400 | 413 | 415;
      error: "too_large" | "unsupported_media_type" | "malformed_body";
      message: string;
    };

const tooLarge = (maxBytes: number): ParsedBody => ({
  ok: false,
  status: 413,
  error: "too_large",
  message: `The request body must be at most ${maxBytes} bytes.`,
});
const malformed = (message: string): ParsedBody => ({ ok: false, status: 400, error: "malformed_body", message });

/**
 * Past the cap the rest of the body is still read, without keeping it, up to this many bytes: closing a
 * connection with unread data resets it, and the client would lose the 413 answer (and its keep-alive socket).
 */
const DISCARD_MAX_BYTES = 2 * 1024 * 1024;

/** The raw body, or null when it is larger than `maxBytes` (never more than `maxBytes` are kept in memory). */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes + DISCARD_MAX_BYTES) return null; // not worth reading at all
  if (!request.body) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes + DISCARD_MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    if (size <= maxBytes) chunks.push(value);
  }
  if (size > maxBytes) return null;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Form fields: a repeated key becomes an array (so schema validation refuses it instead of picking one). */
function fieldsFromEntries(entries: Iterable<[string, unknown]>): BodyFields {
  const fields: BodyFields = Object.create(null);
  for (const [key, value] of entries) {
    const previous = fields[key];
    if (previous === undefined) fields[key] = value;
    else fields[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return fields;
}

/**
 * A JSON object, an urlencoded form or a multipart form, as plain fields. Bodies that are not one of these,
 * or do not parse, are a 400/415 answer rather than an exception.
 */
export async function parseBody(request: Request, maxBytes: number): Promise<ParsedBody> {
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const supported = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"];
  if (!supported.includes(mediaType)) {
    return { ok: false, status: 415, error: "unsupported_media_type", message: `Send ${supported.join(", ")}.` };
  }
  const bytes = await readBodyWithLimit(request, maxBytes);
  if (!bytes) return tooLarge(maxBytes);

  if (mediaType === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return malformed("The body is not valid JSON.");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return malformed("The body must be a JSON object.");
    return { ok: true, fields: value as BodyFields };
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    return { ok: true, fields: fieldsFromEntries(new URLSearchParams(new TextDecoder().decode(bytes))) };
  }
  try {
    // The bytes are already capped; Response re-parses them with the request's boundary.
    const form = await new Response(bytes, {
      headers: { "content-type": request.headers.get("content-type")! },
    }).formData();
    return { ok: true, fields: fieldsFromEntries(form.entries()) };
  } catch {
    return malformed("The multipart body could not be parsed.");
  }
}
