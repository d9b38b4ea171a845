// npm run sessions -- list [--user <email>] | revoke <sessionId> | revoke --user <email> | purge-expired [--batch-size <n>] [--pause-ms <ms>]
// Operator view of signed-in sessions (both strategies' tables), for when the admin pages are not reachable.
import { accountSecurityEvent } from "../lib/account/security-event";
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { runScript, ScriptError } from "./lib/prisma-cli";
import { formatTable } from "./lib/table";
import { getEnv } from "../lib/env";
import { getDb, type Db } from "../lib/db";
import { emailSchema } from "../lib/validation";
import {
  activeSessionRules,
  listActiveSessions,
  purgeExpiredSessions,
  purgeRules,
  revokeSession,
  type SessionSummary,
} from "../lib/auth/session-admin";
import { purgeStaleThrottles } from "../lib/auth/throttle";
import { longestThrottleWindowSeconds } from "../lib/throttle-windows";

const USAGE = `Usage:
  npm run sessions -- list [--user <email>]        active sessions, most recently used first
  npm run sessions -- revoke <sessionId>           end one session
  npm run sessions -- revoke --user <email>        end all of a user's sessions
  npm run sessions -- purge-expired [--batch-size <n>] [--pause-ms <ms>]
                                                   delete expired sessions, tokens and links, stale throttle counters
                                                   and (AUTH_EMAIL_VERIFICATION=required) accounts never confirmed
                                                   within AUTH_UNCONFIRMED_ACCOUNT_DAYS that never signed in`;

const options = {
  user: { type: "string" },
  "batch-size": { type: "string" },
  "pause-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

runScript(async () => {
  const { values, positionals } = parseCliArgs({ options, allowPositionals: true }, USAGE);
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    console.log(USAGE);
    return;
  }
  if (!command) throw new ScriptError(`Missing command.\n\n${USAGE}`);
  if (!["list", "revoke", "purge-expired"].includes(command))
    throw new ScriptError(`Unknown command "${command}".\n\n${USAGE}`);

  await loadEnvFile();
  const env = getEnv();
  const db = getDb();
  const rules = activeSessionRules(env);
  try {
    if (command === "list") {
      if (rest.length) throw new ScriptError(`"list" takes no arguments besides --user.\n\n${USAGE}`);
      const user = values.user === undefined ? undefined : await findUser(db, values.user);
      printSessions(await listActiveSessions(db, { ...rules, userId: user?.id }), user?.email);
    } else if (command === "revoke") {
      await revoke(db, rest, values.user, env.AUTH_SESSION_STRATEGY === "jwt" ? jwtNote(env) : "");
    } else {
      if (rest.length || values.user !== undefined)
        throw new ScriptError(`"purge-expired" takes only --batch-size and --pause-ms.\n\n${USAGE}`);
      const batchSize =
        values["batch-size"] === undefined ? undefined : wholeNumber("--batch-size", values["batch-size"], 1);
      const pauseMs = values["pause-ms"] === undefined ? undefined : wholeNumber("--pause-ms", values["pause-ms"], 0);
      const purged = await purgeExpiredSessions(db, { ...purgeRules(env), batchSize, pauseMs });
      // A counter still inside any limit's window must stay, or that limit would start afresh.
      const throttles = await purgeStaleThrottles(db, { windowSeconds: longestThrottleWindowSeconds(env) });
      console.log(
        `Deleted ${purged.sessions} expired session(s), ` +
          `${purged.verificationTokens} expired verification token(s), ${purged.emailTokens} expired or used email link(s), ` +
          `${purged.sessionData} expired anonymous session data record(s), ` +
          `${purged.unconfirmedAccounts} never-confirmed account(s) and ${throttles} stale throttle counter(s).`,
      );
    }
  } finally {
    await db.$disconnect();
  }
});

async function findUser(db: Db, rawEmail: string) {
  const parsed = emailSchema.safeParse(rawEmail);
  if (!parsed.success) throw new ScriptError(`--user: ${parsed.error.issues[0].message} (got "${rawEmail}").`);
  const user = await db.user.findUnique({ where: { email: parsed.data }, select: { id: true, email: true } });
  if (!user) throw new ScriptError(`No user with email ${parsed.data}.`);
  return user;
}

async function revoke(db: Db, ids: string[], email: string | undefined, note: string) {
  if (email !== undefined) {
    if (ids.length) throw new ScriptError(`Give either a session id or --user, not both.\n\n${USAGE}`);
    const user = await findUser(db, email);
    // An operator ending a user's sessions ends their pending links and device cookies too.
    const { endedSessions: revoked } = await accountSecurityEvent(db, { kind: "sessions-ended", userId: user.id });
    console.log(`Revoked ${revoked} session(s) of ${user.email}.${revoked ? note : ""}`);
    return;
  }
  if (ids.length !== 1) throw new ScriptError(`"revoke" needs exactly one session id (or --user <email>).\n\n${USAGE}`);
  if (!(await revokeSession(db, ids[0])))
    throw new ScriptError(`No session with id ${ids[0]} (see \`npm run sessions -- list\`).`);
  console.log(`Revoked session ${ids[0]}.${note}`);
}

// Display text: a JWT cookie stays valid until the app next re-checks its session row.
const jwtNote = (env: { AUTH_JWT_RECHECK_SECONDS: number }) =>
  ` JWT sessions end at their next check, within ${env.AUTH_JWT_RECHECK_SECONDS} s.`;

function wholeNumber(flag: string, value: string, min: 0 | 1): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < min) {
    throw new ScriptError(
      `${flag} must be ${min ? "a positive integer" : "a whole number (0 or more)"}, got "${value}".`,
    );
  }
  return n;
}

const formatDate = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")}Z`;
const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function printSessions(sessions: SessionSummary[], email?: string) {
  if (sessions.length === 0) {
    console.log(email ? `No active sessions for ${email}.` : "No active sessions.");
    return;
  }
  const rows = sessions.map((s) => [
    s.id,
    s.strategy,
    s.userEmail,
    formatDate(s.createdAt),
    formatDate(s.lastSeenAt),
    formatDate(s.expires),
    s.ip ?? "-",
    truncate(s.userAgent ?? "-", 50),
  ]);
  console.log(formatTable(["ID", "STRATEGY", "USER", "CREATED", "LAST SEEN", "EXPIRES", "IP", "USER AGENT"], rows));
  console.log(`\n${sessions.length} active session(s).`);
}
