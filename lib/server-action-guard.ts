import { isCsrfOriginAllowed } from "next/dist/server/app-render/csrf-protection";
import { readBodyWithLimit } from "./request-body";

// Server actions are public POST endpoints whose bodies Next.js decodes before any app code runs, and Next answers
// 500 to much of what it refuses: a foreign or `null` Origin, a body over its size limit, a body React's reply
// decoder cannot read (invalid JSON, nesting deep enough to overflow the stack, references to parts that are not
// there). proxy.ts runs this first, so such requests get a short 4xx answer and never reach Next's action handler.
// How Next reads these requests: node_modules/next/dist/server/app-render/action-handler.js.

/** Shared with next.config.ts experimental.serverActions.bodySizeLimit (Next's default is the same 1 MB). */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;
/** Shared with next.config.ts experimental.serverActions.allowedOrigins: other hosts allowed to post actions. */
export const SERVER_ACTION_ALLOWED_ORIGINS: string[] = [];
/** Arrays/objects inside one part of a reply; React revives them recursively (50,000 levels overflow the stack). */
export const MAX_REPLY_NESTING = 32;
/** Parts of a multipart reply; they reference each other, so a long chain overflows the stack as well. */
export const MAX_REPLY_PARTS = 64;

type ServerActionRefusal = { status: 400 | 403 | 413 | 415; error: string; message: string };

const refusal = (status: ServerActionRefusal["status"], error: string, message: string): ServerActionRefusal => ({
  status,
  error,
  message,
});

/**
 * Requests Next treats as server actions: a POST with the Next-Action header (the client's fetch), or a multipart POST
 * (a form posted without JavaScript). Route handlers never run actions, so /api is left to them.
 */
export function isServerActionRequest(request: Request): boolean {
  if (request.method !== "POST" || /^\/api(\/|$)/.test(new URL(request.url).pathname)) return false;
  return (
    request.headers.has("next-action") || (request.headers.get("content-type") ?? "").startsWith("multipart/form-data")
  );
}

/** The host the client addressed, as Next compares it: the first X-Forwarded-Host entry, else Host. */
function requestHost(headers: Headers): string | null {
  return headers.get("x-forwarded-host")?.split(",")[0].trim() || headers.get("host");
}

/**
 * Next lets a missing Origin through; every browser sends one on a POST, so only hand-made requests lack it, and they
 * are refused too. `null` (sandboxed frames, privacy redirects) and other hosts are refused unless allowed.
 */
function checkOrigin(headers: Headers): ServerActionRefusal | null {
  const origin = headers.get("origin");
  if (!origin)
    return refusal(
      403,
      "origin_required",
      "Server actions must be posted by the app's own pages (Origin header missing).",
    );
  if (origin === "null")
    return refusal(403, "foreign_origin", "Server actions must be posted by the app's own pages (Origin is null).");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return refusal(
      403,
      "foreign_origin",
      "Server actions must be posted by the app's own pages (Origin is not a URL).",
    );
  }
  if (
    originHost &&
    (originHost === requestHost(headers) || isCsrfOriginAllowed(originHost, SERVER_ACTION_ALLOWED_ORIGINS))
  )
    return null;
  return refusal(403, "foreign_origin", "Server actions must be posted by the app's own pages (foreign Origin).");
}

/** Next decodes multipart bodies with busboy and every other type as UTF-8 text; urlencoded ones it answers 404 itself. */
function bodyKind(contentType: string): "multipart" | "urlencoded" | "text" | null {
  if (contentType.startsWith("multipart/form-data")) return "multipart";
  if (contentType === "application/x-www-form-urlencoded") return "urlencoded";
  if (contentType.split(";")[0].trim().toLowerCase() === "text/plain") return "text";
  return null;
}

/** True when `json` nests arrays/objects deeper than `limit` (brackets inside strings do not count). */
export function nestsDeeperThan(json: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      if (++depth > limit) return true;
    } else if (char === "]" || char === "}") depth--;
  }
  return false;
}

const tooDeep = () =>
  refusal(400, "too_deep", `Server action arguments may nest at most ${MAX_REPLY_NESTING} levels deep.`);

/** One JSON part of a reply, parsed only once its nesting is known to be shallow. */
function parsePart(json: string): { ok: true; value: unknown } | { ok: false; refusal: ServerActionRefusal } {
  if (nestsDeeperThan(json, MAX_REPLY_NESTING)) return { ok: false, refusal: tooDeep() };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return {
      ok: false,
      refusal: refusal(400, "malformed_arguments", "The server action arguments are not valid JSON."),
    };
  }
}

// A text body is a whole reply in one part, so it cannot refer to other parts. These are the encodings React's
// client writes inside a single part: an escaped "$", undefined, Infinity/-Infinity/NaN/-0, dates, bigints and
// temporary references. Any other "$…" string points at a part and fails inside React's decoder.
const SELF_CONTAINED_REFERENCE = /^\$(\$|undefined$|Infinity$|-Infinity$|NaN$|-0$|D|n|T)/;

/** True when some string anywhere inside a parsed JSON value passes `test`. */
function someString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === "string") return test(value);
  if (Array.isArray(value)) return value.some((item) => someString(item, test));
  if (value && typeof value === "object") return Object.values(value).some((item) => someString(item, test));
  return false;
}

const refersToOtherParts = (value: unknown) =>
  someString(value, (text) => text.startsWith("$") && !SELF_CONTAINED_REFERENCE.test(text));

function checkTextReply(text: string): ServerActionRefusal | null {
  const parsed = parsePart(text);
  if (!parsed.ok) return parsed.refusal;
  if (!Array.isArray(parsed.value))
    return refusal(400, "malformed_arguments", "The server action arguments must be a JSON array.");
  if (refersToOtherParts(parsed.value)) {
    return refusal(
      400,
      "malformed_arguments",
      "The server action arguments refer to parts a text/plain body cannot carry.",
    );
  }
  return null;
}

// Multipart parts React parses as JSON: "0", "1", … for a fetch action, "$ACTION_1:0", … for the bound arguments of
// a form posted without JavaScript; "S1", … are chunks of a streamed argument ("C" + JSON). FormData arguments
// ("_1_email" and the like) and binary parts (files, typed arrays) are passed on as they are.
const FETCH_PART_NAME = /^\d+$/;
const FORM_PART_NAME = /^\$ACTION_\d+:\d+$/;
const STREAM_CHUNK_NAME = /^S\d+$/;

// A reference React resolves from another part of the same reply: "$" + a type letter (promise, server reference,
// Map, Set, iterator, typed array, Blob) or none (a plain object) + the part's id in hex, then an optional ":path".
// A part that is not there leaves React waiting until the body ends, and the action then fails with a 500. Streams
// ("$R", "$X", …) arrive in chunks of their own and are left to React.
const PART_REFERENCE = /^\$[@hQWiAOoUSsLlGgMmVB]?([0-9a-f]+)(?::|$)/;

function missingPart(value: unknown, hasPart: (id: number) => boolean): boolean {
  return someString(value, (text) => {
    const reference = PART_REFERENCE.exec(text);
    return reference !== null && !hasPart(parseInt(reference[1], 16));
  });
}

async function checkMultipartReply(
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
  fetchAction: boolean,
): Promise<ServerActionRefusal | null> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    return refusal(400, "malformed_body", "The multipart body could not be parsed.");
  }
  const partName = fetchAction ? FETCH_PART_NAME : FORM_PART_NAME;
  let parts = 0;
  let root: unknown;
  for (const [name, value] of form) {
    const isPart = partName.test(name);
    if (!isPart && !(fetchAction && STREAM_CHUNK_NAME.test(name))) continue;
    if (++parts > MAX_REPLY_PARTS)
      return refusal(400, "too_many_parts", `Server action arguments may have at most ${MAX_REPLY_PARTS} parts.`);
    if (typeof value !== "string") continue;
    if (!isPart) {
      if (nestsDeeperThan(value, MAX_REPLY_NESTING)) return tooDeep();
      continue;
    }
    const parsed = parsePart(value);
    if (!parsed.ok) return parsed.refusal;
    if (name === "0") root = parsed.value;
    const prefix = name.slice(0, name.lastIndexOf(":") + 1); // "$ACTION_1:" for a form's bound arguments, else ""
    if (missingPart(parsed.value, (id) => form.has(`${prefix}${id}`))) {
      return refusal(
        400,
        "malformed_arguments",
        "The server action arguments refer to a part the body does not carry.",
      );
    }
  }
  // A fetch action's arguments are the array in part "0"; without it React waits for a part that never comes.
  if (fetchAction && !Array.isArray(root)) {
    return refusal(400, "malformed_arguments", 'The server action arguments (part "0") must be a JSON array.');
  }
  return null;
}

/**
 * Why a server-action request must not reach Next, or null when it may. Only call it for requests
 * isServerActionRequest() accepts; the body is read here (at most the limit is kept), Next still gets its own copy.
 */
export async function checkServerActionRequest(request: Request): Promise<ServerActionRefusal | null> {
  const originRefusal = checkOrigin(request.headers);
  if (originRefusal) return originRefusal;

  const contentType = request.headers.get("content-type") ?? "";
  const kind = bodyKind(contentType);
  if (kind === null) {
    return refusal(
      415,
      "unsupported_media_type",
      "Server actions take multipart/form-data, application/x-www-form-urlencoded or text/plain bodies.",
    );
  }
  const tooLarge = refusal(
    413,
    "too_large",
    `The request body must be at most ${SERVER_ACTION_BODY_LIMIT_BYTES} bytes.`,
  );
  if (Number(request.headers.get("content-length")) > SERVER_ACTION_BODY_LIMIT_BYTES) return tooLarge;
  if (kind === "urlencoded") return null;

  const bytes = await readBodyWithLimit(request, SERVER_ACTION_BODY_LIMIT_BYTES);
  if (!bytes) return tooLarge;
  if (kind === "text") return checkTextReply(new TextDecoder().decode(bytes));
  return checkMultipartReply(bytes, contentType, request.headers.has("next-action"));
}

/** The short answer for a refused request: JSON with a message, never cached. */
export function refusalResponse({ status, error, message }: ServerActionRefusal): Response {
  return Response.json({ error, message }, { status, headers: { "cache-control": "no-store" } });
}
