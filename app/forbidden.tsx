import Link from "next/link";
import { buttonClasses } from "@/components/ui/button-styles";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md space-y-4 text-center">
      <p className="text-sm font-semibold text-destructive">403</p>
      <h1 className="text-2xl font-bold tracking-tight">You don&apos;t have access to this page</h1>
      <p className="text-muted-foreground">
        Your role does not include the permission this page needs. Ask an administrator if you think it should.
      </p>
      <Link href="/dashboard" className={buttonClasses()}>
        Back to the dashboard
      </Link>
    </div>
  );
}
