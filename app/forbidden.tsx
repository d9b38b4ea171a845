import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md space-y-4 text-center">
      <p className="text-sm font-semibold text-rose-600">403</p>
      <h1 className="text-2xl font-bold tracking-tight">You don&apos;t have access to this page</h1>
      <p className="text-slate-600">
        Your role does not include the permission this page needs. Ask an administrator if you think it should.
      </p>
      <Link
        href="/dashboard"
        className="inline-block rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
      >
        Back to the dashboard
      </Link>
    </div>
  );
}
