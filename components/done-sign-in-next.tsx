import Link from "next/link";
import { FormMessage } from "@/components/form-controls";

/** A form's last step: what was done, and the way on to the sign-in page. */
export function DoneSignInNext({ message }: { message?: string }) {
  return (
    <div className="flex flex-col gap-4">
      <FormMessage message={message} tone="success" />
      <Link href="/login" className="font-medium text-primary hover:underline">
        Sign in
      </Link>
    </div>
  );
}
