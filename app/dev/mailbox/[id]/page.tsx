import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format-date";
import { devMail, devMailboxAllowed } from "@/lib/mail/dev-mailbox";

// One message of the dev mailbox: the HTML part as a mail client would show it, and the text part.

export const metadata = { title: "Dev mailbox · Auth Starter" };

/**
 * The HTML part runs in a sandbox without scripts or the app's origin. Its links open in a new tab: inside the
 * frame the app's own pages would refuse to load (frame-ancestors 'none').
 */
function framedHtml(html: string): string {
  return `<base target="_blank">${html}`;
}

/** The text part with its links clickable (React escapes the rest). */
function TextWithLinks({ text }: { text: string }) {
  const parts = text.split(/(\bhttps?:\/\/[^\s<>"]+)/g);
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      <a key={i} href={part} className="break-all text-primary hover:underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export default async function DevMailPage({ params }: { params: Promise<{ id: string }> }) {
  if (!devMailboxAllowed(getEnv())) notFound();
  const mail = devMail((await params).id);
  if (!mail) notFound();
  return (
    <div className="space-y-6">
      <Link href="/dev/mailbox" className="text-sm text-primary hover:underline">
        ← Dev mailbox
      </Link>
      <div className="space-y-1">
        <h1 className="text-2xl font-bold tracking-tight wrap-anywhere">{mail.subject}</h1>
        <p className="text-sm text-muted-foreground wrap-anywhere">
          From {mail.from} to {mail.to}, {formatDateTime(mail.sentAt)}
        </p>
      </div>
      <Card title="HTML">
        <iframe
          title="HTML part"
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={framedHtml(mail.html)}
          className="h-[560px] w-full rounded border border-border bg-white"
        />
      </Card>
      <Card title="Text">
        <pre className="text-sm whitespace-pre-wrap wrap-anywhere" data-testid="dev-mail-text">
          <TextWithLinks text={mail.text} />
        </pre>
      </Card>
    </div>
  );
}
