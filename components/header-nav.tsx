"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { DropdownMenu } from "radix-ui";
import { signOutAction } from "@/app/actions/auth";
import { ThemeToggle } from "@/components/theme-toggle";
import { buttonClasses } from "@/components/ui/button-styles";
import { MenuIcon } from "@/components/ui/icons";
import { hasPermission, PERMISSIONS } from "@/lib/permissions";
import { useSession } from "./session-provider";
import { SignOutButton } from "./sign-out-button";

// The header's links and current user, from the client session (display only: every page authorizes itself),
// so the header follows a session that ends while the page is open. Wide screens show the links in a row; narrow
// ones fold them into a menu.

type NavLink = { href: string; label: string };

function useNavLinks(): NavLink[] {
  const { session } = useSession();
  const links: NavLink[] = [
    { href: "/cart", label: "Cart" },
    { href: "/onboarding/step-1", label: "Onboarding" },
  ];
  if (!session) return links;
  links.push({ href: "/dashboard", label: "Dashboard" });
  // "Users" is also the heading of the page it opens.
  if (hasPermission(session.user, PERMISSIONS.usersRead)) links.push({ href: "/admin", label: "Users" });
  links.push({ href: "/account", label: "Account" });
  return links;
}

function isCurrent(pathname: string, href: string): boolean {
  const section = href.split("/").slice(0, 2).join("/");
  return pathname === href || pathname.startsWith(`${section}/`) || pathname === section;
}

const linkStyle = "rounded-md px-1 text-muted-foreground hover:text-foreground aria-[current=page]:text-foreground";

function WideNav() {
  const { session } = useSession();
  const pathname = usePathname();
  return (
    <div className="hidden items-center gap-4 text-sm lg:flex">
      {useNavLinks().map((link) => (
        <Link
          key={link.href}
          href={link.href}
          className={linkStyle}
          aria-current={isCurrent(pathname, link.href) ? "page" : undefined}
        >
          {link.label}
        </Link>
      ))}
      {session ? (
        <>
          <span
            className="max-w-48 truncate text-muted-foreground xl:max-w-64"
            data-testid="nav-email"
            title={session.user.name ?? session.user.email}
          >
            {session.user.email}
          </span>
          <SignOutButton />
        </>
      ) : (
        <>
          <Link href="/login" className={linkStyle}>
            Sign in
          </Link>
          <Link href="/register" className={buttonClasses({ size: "sm" })}>
            Create account
          </Link>
        </>
      )}
    </div>
  );
}

const itemStyle =
  "flex cursor-pointer items-center rounded-lg px-3 py-2 outline-none select-none data-[highlighted]:bg-muted";

function NarrowNav() {
  const { session, markSigningOut } = useSession();
  const links = useNavLinks();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className={buttonClasses({ variant: "ghost", size: "sm", className: "h-9 w-9 px-0! lg:hidden" })}
        aria-label="Menu"
        data-testid="nav-menu"
      >
        <MenuIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          className="z-50 w-[min(18rem,calc(100vw-2rem))] rounded-xl border border-border bg-card p-1 text-sm text-card-foreground shadow-lg"
        >
          {session ? (
            <DropdownMenu.Label className="truncate px-3 py-2 text-xs text-muted-foreground">
              {session.user.email}
            </DropdownMenu.Label>
          ) : null}
          {links.map((link) => (
            <DropdownMenu.Item key={link.href} asChild className={itemStyle}>
              <Link href={link.href}>{link.label}</Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          {session ? (
            <DropdownMenu.Item
              className={itemStyle}
              onSelect={() => {
                markSigningOut();
                void signOutAction();
              }}
            >
              Sign out
            </DropdownMenu.Item>
          ) : (
            <>
              <DropdownMenu.Item asChild className={itemStyle}>
                <Link href="/login">Sign in</Link>
              </DropdownMenu.Item>
              <DropdownMenu.Item asChild className={itemStyle}>
                <Link href="/register">Create account</Link>
              </DropdownMenu.Item>
            </>
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

export function HeaderNav() {
  return (
    <div className="flex items-center gap-2 lg:gap-4">
      <WideNav />
      <ThemeToggle />
      <NarrowNav />
    </div>
  );
}
