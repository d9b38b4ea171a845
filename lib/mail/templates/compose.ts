// One content model, two renderings: the HTML part (table layout and inline styles, which mail clients keep) and a
// plain-text part that reads as a letter. Every piece of text is escaped here, so templates never build markup.

export type Block =
  /** A paragraph, optionally ending in a link shown as its address. */
  | { text: string; link?: string }
  /** The message's one call to action; the address is also shown for clients that drop the button. */
  | { button: string; url: string };

export type ComposedMail = { subject: string; text: string; html: string };

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const PARAGRAPH = `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:#1e293b`;
const BUTTON = `display:inline-block;padding:12px 20px;border-radius:6px;background:#4f46e5;color:#ffffff;font-family:${FONT};font-size:16px;font-weight:600;line-height:20px;text-decoration:none`;
const LINK = "color:#4f46e5;word-break:break-all";
const SMALL = `margin:0 0 16px;font-family:${FONT};font-size:13px;line-height:20px;color:#64748b`;

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Links in mail go to the app: absolute http(s) only, so a mistake can never produce a `javascript:` link. */
export function assertWebLink(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== "https:" && parsed?.protocol !== "http:")
    throw new Error("A link in a mail must be an absolute http(s) URL");
  return url;
}

function link(url: string): string {
  return `<a href="${escapeHtml(assertWebLink(url))}" style="${LINK}">${escapeHtml(url)}</a>`;
}

function blockHtml(block: Block): string {
  if ("button" in block) {
    const href = escapeHtml(assertWebLink(block.url));
    return [
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px"><tr><td>`,
      `<a href="${href}" style="${BUTTON}">${escapeHtml(block.button)}</a>`,
      `</td></tr></table>`,
      `<p style="${SMALL}">If the button does not work, open this link: ${link(block.url)}</p>`,
    ].join("");
  }
  return `<p style="${PARAGRAPH}">${escapeHtml(block.text)}${block.link ? ` ${link(block.link)}` : ""}</p>`;
}

function blockText(block: Block): string {
  if ("button" in block) return `${block.button}:\n${assertWebLink(block.url)}`;
  return block.link ? `${block.text} ${assertWebLink(block.link)}` : block.text;
}

export function composeMail(subject: string, blocks: Block[]): ComposedMail {
  const html = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="color-scheme" content="light"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f1f5f9">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f1f5f9">`,
    `<tr><td align="center" style="padding:32px 16px">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-radius:8px">`,
    `<tr><td style="padding:32px">`,
    ...blocks.map(blockHtml),
    `</td></tr></table></td></tr></table></body></html>`,
  ].join("\n");
  return { subject, text: `${blocks.map(blockText).join("\n\n")}\n`, html };
}
