import { z } from "zod";
import { DEFAULT_DATABASE_URL, providerFromUrl, providerOf } from "./database-url";
import { parseMailbox } from "./mail/address";
import { parseLinkHosts } from "./link-hosts";

// Every environment variable the app reads, validated once. Scripts import this too, so no "server-only" here.

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const onOff = (fallback: "on" | "off") => z.enum(["on", "off"], { message: 'must be "on" or "off"' }).default(fallback);

/** Fine for the development mailbox; real providers refuse it, so production sets MAIL_FROM (startup warns). */
export const DEFAULT_MAIL_FROM = "Auth Starter <no-reply@localhost>";

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .superRefine((url, ctx) => {
        try {
          providerFromUrl(url);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    AUTH_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (generate one with `openssl rand -base64 32`)")
      .optional(),
    /** The app's public URL (set it behind a proxy; https enables __Host- cookies). */
    AUTH_URL: z.url({ message: "must be a full URL such as https://app.example.com" }).optional(),
    /**
     * Hosts emailed links may point to, when a request was made to one of them (several domains for one app):
     * `app.example.com,www.example.com` (https), or with a scheme, `http://localhost:3000`. Other requests get
     * AUTH_URL's links (or none). Required in production unless AUTH_URL is set.
     */
    AUTH_LINK_HOSTS: z
      .string()
      .default("")
      .transform((value, ctx) => {
        const origins = parseLinkHosts(value);
        if (origins) return origins;
        ctx.addIssue({
          code: "custom",
          message:
            'must list hosts separated by commas, such as "app.example.com,www.example.com" (https), or origins such as "http://localhost:3000"',
        });
        return z.NEVER;
      }),
    AUTH_SESSION_STRATEGY: z.enum(["database", "jwt"], { message: 'must be "database" or "jwt"' }).default("database"),
    /** Idle timeout: a session not used for this long ends (sliding). */
    AUTH_SESSION_MAX_AGE: seconds(60 * 60 * 24),
    /** The sliding expiry is pushed forward at most this often (limits writes). */
    AUTH_SESSION_UPDATE_AGE: seconds(60 * 60),
    /** Absolute lifetime: a session ends this long after sign-in, however active it is. */
    AUTH_SESSION_ABSOLUTE_MAX_AGE: seconds(60 * 60 * 24 * 7),
    /** Brute-force protection: this many password guesses per account within the window, then a lockout. */
    AUTH_SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    /** Sign-in attempts per client address within the window (only when AUTH_TRUSTED_PROXY_HOPS > 0). */
    AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(50),
    AUTH_SIGNIN_WINDOW_SECONDS: seconds(15 * 60),
    AUTH_SIGNIN_LOCKOUT_SECONDS: seconds(15 * 60),
    /** Registrations per client address and hour (only when AUTH_TRUSTED_PROXY_HOPS > 0). */
    AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(20),
    /** New anonymous session-data ids (first writes of signed-out visitors) per client address and hour (same condition). */
    SESSION_DATA_ADDRESS_MAX_NEW: z.coerce.number().int().min(1).default(60),
    /** Reverse proxies in front of the app that append to X-Forwarded-For (0: the app is reached directly). */
    AUTH_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /**
     * Per-address limits count an IPv6 client by its network of this many leading bits (one subscriber or machine
     * usually holds a whole /64 and can pick any address in it); IPv4 addresses count one by one.
     */
    AUTH_IPV6_PREFIX_BITS: z.coerce.number().int().min(1).max(128).default(64),
    /** Worker threads that run bcrypt so hashing never blocks the event loop. */
    AUTH_HASH_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
    /**
     * Requests with password work (a hash or compare) queued or running at once; past it they answer "busy, try
     * again". A quarter of it is kept for a device cookie of the account and an account's first attempt from a
     * client address with nothing else in flight.
     */
    AUTH_HASH_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000).default(32),
    /** Of those, at most this many from one client address (only when AUTH_TRUSTED_PROXY_HOPS > 0). */
    AUTH_HASH_CLIENT_MAX: z.coerce.number().int().min(1).max(10_000).default(4),
    /** And at most this many for one account (with a device cookie and without, each). */
    AUTH_HASH_ACCOUNT_MAX: z.coerce.number().int().min(1).max(10_000).default(2),
    /** JWT mode: how often a token's user, role and permissions are re-read from the database. */
    AUTH_JWT_RECHECK_SECONDS: z.coerce.number().int().min(0).default(60),
    /**
     * PostgreSQL: listen for announced changes so JWT sessions (and the database session cache) apply revocations on
     * the next request. "off" behind a transaction-pooling proxy (PgBouncer), where LISTEN cannot work; the JWT
     * recheck window is then the bound.
     */
    AUTH_CHANGE_FEED: onOff("on"),
    /**
     * Database mode on PostgreSQL: remember session lookups while the change feed is live (an announced change to
     * the session, its user or its role drops them), so most requests need no query. Off: every request reads.
     */
    AUTH_DATABASE_SESSION_CACHE: onOff("off"),
    /** How often open pages ask whether their session is still live (0: only on focus and tab events). */
    AUTH_CLIENT_REFRESH_SECONDS: z.coerce.number().int().min(0).default(60),
    /** bcrypt cost factor for new hashes; existing hashes are upgraded on the next sign-in. */
    AUTH_BCRYPT_COST: z.coerce.number().int().min(4).max(15).optional(),
    /** New passwords need at least this zxcvbn score (0–4) at registration and password change; 0 turns the check off. */
    AUTH_PASSWORD_MIN_SCORE: z.coerce.number().int().min(0).max(4).default(3),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
    DATABASE_POOL_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
    DATABASE_POOL_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
    /**
     * Outgoing mail: smtp://user:pass@host:587 (upgraded with STARTTLS when the server offers it) or
     * smtps://user:pass@host:465 (TLS from the start). Required in production; unset elsewhere, mail goes to the
     * development mailbox (/dev/mailbox).
     */
    SMTP_URL: z
      .string()
      .refine(isSmtpUrl, {
        message: "must be an smtp:// or smtps:// URL such as smtp://user:password@smtp.example.com:587",
      })
      .optional(),
    /** The sender of every mail: `address` or `Name <address>`. */
    MAIL_FROM: z
      .string()
      .default(DEFAULT_MAIL_FROM)
      .transform((value, ctx) => {
        const mailbox = parseMailbox(value);
        if (mailbox) return mailbox;
        ctx.addIssue({
          code: "custom",
          message: 'must be an address or "Name <address>", e.g. "Acme <no-reply@acme.com>"',
        });
        return z.NEVER;
      }),
    /** Longest wait for the SMTP server per message, connecting included; a send that takes longer fails. */
    MAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Whether a new account must confirm its email address before signing in, may, or is never asked to. */
    AUTH_EMAIL_VERIFICATION: z
      .enum(["required", "optional", "off"], { message: 'must be "required", "optional" or "off"' })
      .default("required"),
    /**
     * With AUTH_EMAIL_VERIFICATION=required, `npm run sessions -- purge-expired` deletes accounts this many days old
     * that never confirmed their address and have no session (they could never sign in).
     */
    AUTH_UNCONFIRMED_ACCOUNT_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    /** How long an emailed link works: address confirmation and email change (minutes). */
    AUTH_EMAIL_LINK_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(24 * 60),
    /** How long the "this wasn't me" link in an email-change notice to the old address works (days). */
    AUTH_EMAIL_UNDO_DAYS: z.coerce.number().int().min(1).max(30).default(7),
    /** How long a password-reset link works (minutes). */
    AUTH_PASSWORD_RESET_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(30),
    /** Emails with links per address they go to, per hour (confirmation, reset, email change). */
    AUTH_EMAIL_SEND_MAX: z.coerce.number().int().min(1).default(5),
    /** Emails with links asked for per client address, per hour (only when AUTH_TRUSTED_PROXY_HOPS > 0). */
    AUTH_EMAIL_ADDRESS_SEND_MAX: z.coerce.number().int().min(1).default(30),
  })
  .superRefine((env, ctx) => {
    // Only the feed can tell a cached lookup that it is stale.
    const feedReaches = env.AUTH_CHANGE_FEED === "on" && providerOf(env.DATABASE_URL) === "postgresql";
    if (env.AUTH_DATABASE_SESSION_CACHE === "on" && !feedReaches) {
      const message = "needs PostgreSQL with AUTH_CHANGE_FEED=on (the feed is what drops stale lookups)";
      ctx.addIssue({ code: "custom", path: ["AUTH_DATABASE_SESSION_CACHE"], message });
    }
  })
  .transform((env) => ({
    ...env,
    AUTH_BCRYPT_COST: env.AUTH_BCRYPT_COST ?? (env.NODE_ENV === "production" ? 12 : 10),
    databaseProvider: providerFromUrl(env.DATABASE_URL),
  }));

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

/**
 * Whether this code is part of a production build: next.config.ts has `next build` inline "true" here (Next
 * replaces `process.env.X` of its `env` setting in the bundles it builds), and the process's own environment cannot
 * change that later. Outside Next's bundles (scripts, tests) nothing replaces it and it is unset.
 */
export const IN_PRODUCTION_BUILD = process.env.BUILT_FOR_PRODUCTION === "true";

/**
 * Parses an environment; throws an EnvError that names every bad variable. In a production build (`productionBuild`,
 * by default IN_PRODUCTION_BUILD) NODE_ENV is "production" whatever the source says: a build started with
 * NODE_ENV=development must not open the development mailbox, print link tokens or skip the production settings.
 */
export function parseEnv(
  source: Record<string, string | undefined>,
  { productionBuild = IN_PRODUCTION_BUILD }: { productionBuild?: boolean } = {},
): Env {
  // Empty strings (e.g. `AUTH_BCRYPT_COST=` in .env) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  if (productionBuild) cleaned.NODE_ENV = "production";
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new EnvError(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  const env = result.data;
  // `next build` runs without secrets; the server checks again at start (instrumentation.ts).
  const building = source.NEXT_PHASE === "phase-production-build";
  if (env.NODE_ENV === "production" && !building) {
    const missing = [
      !env.AUTH_SECRET && "  AUTH_SECRET: required in production (generate one with `openssl rand -base64 32`)",
      !env.SMTP_URL &&
        "  SMTP_URL: required in production, where mail is really sent (e.g. smtp://apikey:SECRET@smtp.sendgrid.net:587; see README, Email)",
      !env.AUTH_URL &&
        !env.AUTH_LINK_HOSTS.length &&
        "  AUTH_URL: required in production: the app's public URL, where emailed links point (e.g. https://app.example.com), unless AUTH_LINK_HOSTS lists the hosts they may use (see README, Email)",
    ].filter(Boolean);
    if (missing.length) throw new EnvError(`Invalid environment variables:\n${missing.join("\n")}`);
  }
  return env;
}

let cached: Env | undefined;

/** The validated process environment (parsed on first use, then cached). */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
