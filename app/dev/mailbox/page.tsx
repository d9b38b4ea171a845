import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format-date";
import { devMailbox, devMailboxAllowed } from "@/lib/mail/dev-mailbox";

// Development only: the mail the app "sent" without SMTP_URL (lib/mail/dev-mailbox.ts), newest first.

export const metadata = { title: "Dev mailbox · Auth Starter" };

export default function DevMailboxPage() {
  if (!devMailboxAllowed(getEnv())) notFound();
  const messages = devMailbox();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Dev mailbox</h1>
      {getEnv().SMTP_URL ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          SMTP_URL is set, so mail goes to that server and does not show here.
        </p>
      ) : null}
      <Card>
        {messages.length === 0 ? (
          <p className="text-sm text-muted-foreground">No mail yet. Messages sent by this server process show here.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="dev-mailbox">
              <thead className="border-b border-border text-muted-foreground">
                <tr>
                  <th className="py-2 pr-4 font-medium">Sent</th>
                  <th className="py-2 pr-4 font-medium">To</th>
                  <th className="py-2 font-medium">Subject</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-border">
                {messages.map((mail) => (
                  <tr key={mail.id}>
                    <td className="py-2 pr-4 whitespace-nowrap text-muted-foreground">{formatDateTime(mail.sentAt)}</td>
                    <td className="py-2 pr-4 break-all">{mail.to}</td>
                    <td className="py-2">
                      <Link href={`/dev/mailbox/${mail.id}`} className="text-primary hover:underline">
                        {mail.subject}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
