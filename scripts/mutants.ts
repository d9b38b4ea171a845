// npm run test:mutants [-- --only=<name,...>] [--provider=sqlite|postgresql] [--list]
//
// Proof that the suite catches what it claims to: each mutant below breaks one security rule with a one-line
// change, applied ONE AT A TIME to a scratch copy of the project (never to this working tree), and runs the few
// test files that should notice. A mutant the tests do not notice SURVIVED: a rule the suite does not guard.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export type Mutant = {
  name: string;
  /** The rule the mutation breaks, as the table's reader needs it. */
  breaks: string;
  file: string;
  /** Must occur exactly once in `file`, so a refactor cannot silently turn the mutant into a no-op. */
  search: string;
  replace: string;
  /** The test files that should catch it (unit or integration; e2e needs a production build and is not run). */
  tests: string[];
  /** A race that only concurrent connections show: its integration files always run on PostgreSQL. */
  provider?: "postgresql";
};

const UNIT = (name: string) => `tests/unit/${name}.test.ts`;
const INTEGRATION = (name: string) => `tests/integration/${name}.test.ts`;

export const MUTANTS: Mutant[] = [
  {
    name: "throttle-one-extra-guess",
    breaks: "the throttle allows `max` guesses per window (off by one: max + 1)",
    file: "lib/auth/throttle.ts",
    search: "if (row.failures <= limit.max) return { ok: true };",
    replace: "if (row.failures <= limit.max + 1) return { ok: true };",
    tests: [INTEGRATION("brute-force")],
  },
  {
    name: "throttle-not-atomic",
    breaks: "the attempt is reserved by one atomic increment (here: read, then write: concurrent guesses are lost)",
    file: "lib/auth/throttle.ts",
    search: "return await db.signInThrottle.update({ where: { key }, data: { failures: { increment: 1 } } });",
    replace:
      "return await db.signInThrottle.update({ where: { key }, data: { failures: (await db.signInThrottle.findUniqueOrThrow({ where: { key } })).failures + 1 } });",
    // A real race: SQLite's one writer serialises the read and the write; PostgreSQL's connections lose updates.
    tests: [INTEGRATION("brute-force")],
    provider: "postgresql",
  },
  {
    name: "redirect-any-origin",
    breaks: "a callback URL is followed only on the app's own origin",
    file: "lib/safe-redirect.ts",
    search: "if (url.origin !== BASE.origin) return fallback;",
    replace: "",
    tests: [UNIT("safe-redirect")],
  },
  {
    name: "session-token-stored-raw",
    breaks: "a database session row stores the cookie's SHA-256, never the cookie",
    file: "lib/auth/strategy/database.ts",
    search: "await createSessionRow(db, env, { userId: token.sub, sessionToken: hashToken(cookie) });",
    replace: "await createSessionRow(db, env, { userId: token.sub, sessionToken: cookie });",
    tests: [INTEGRATION("session-security")],
  },
  {
    name: "token-hash-is-identity",
    breaks: "bearer secrets (session cookies, email links) are stored as their SHA-256 (here the hash is the token)",
    file: "lib/auth/random-token.ts",
    search: 'return createHash("sha256").update(token).digest("hex");',
    replace: "return token;",
    tests: [INTEGRATION("session-security"), INTEGRATION("email-tokens")],
  },
  {
    name: "jwt-never-rechecked",
    breaks: "a JWT session re-reads its row and user every AUTH_JWT_RECHECK_SECONDS (here: never)",
    file: "lib/auth/strategy/jwt.ts",
    search: "const fresh = (checkedAt: number) => nowSeconds() - checkedAt < env.AUTH_JWT_RECHECK_SECONDS;",
    replace: "const fresh = (checkedAt: number) => checkedAt >= 0;",
    tests: [INTEGRATION("session-security")],
  },
  {
    name: "change-feed-ignores-sessions",
    breaks: "an ended session makes earlier JWT checks stale at once (change feed)",
    file: "lib/auth/strategy/change-feed.ts",
    search: 'if (change.kind === "session") remember(changes.sessions, change.id, at);',
    replace: 'if (change.kind === "session") return;',
    tests: [INTEGRATION("change-feed")],
  },
  {
    name: "database-session-expiry-ignored",
    breaks: "a database session past its expiry is refused (and deleted)",
    file: "lib/auth/strategy/database.ts",
    search: "if (row.expiresMs <= Date.now() || isPastAbsoluteLifetime(",
    replace: "if (isPastAbsoluteLifetime(",
    tests: [INTEGRATION("session-security"), INTEGRATION("session-strategy")],
  },
  {
    name: "jwt-idle-timeout-tolerant",
    breaks: "a JWT ends exactly at its exp (here: Auth.js's 15 s clock tolerance is allowed again)",
    file: "lib/auth/strategy/jwt.ts",
    search: 'if (typeof token.exp !== "number" || token.exp <= nowSeconds()) return null;',
    replace: 'if (typeof token.exp !== "number" || token.exp + 15 <= nowSeconds()) return null;',
    tests: [INTEGRATION("session-security")],
  },
  {
    name: "database-session-not-slid",
    breaks: "using a database session slides its idle expiry (here: only lastSeenAt moves)",
    file: "lib/auth/strategy/database.ts",
    search: "const expires = secondsFromNow(env.AUTH_SESSION_MAX_AGE);",
    replace: "const expires = row.expires;",
    tests: [INTEGRATION("session-security"), INTEGRATION("session-strategy")],
  },
  {
    name: "email-link-reusable",
    breaks: "an email link is used once, even by concurrent requests (the `usedAt: null` condition)",
    file: "lib/auth/email-tokens.ts",
    search: "where: { id: row.id, usedAt: null, expires: { gt: now } },",
    replace: "where: { id: row.id, expires: { gt: now } },",
    tests: [INTEGRATION("email-tokens")],
  },
  {
    name: "reset-keeps-sessions",
    breaks: "a password reset ends every session of the account",
    file: "lib/account/security-event.ts",
    search: '"password-reset": { sessions: "all",',
    replace: '"password-reset": { sessions: "none",',
    tests: [INTEGRATION("security-events")],
  },
  {
    name: "csp-nonce-not-random",
    breaks: "each response's CSP nonce is 128 random bits",
    file: "lib/security-headers.ts",
    search: "String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))",
    replace: "String.fromCharCode(...new Uint8Array(16))",
    tests: [UNIT("security-headers")],
  },
  {
    name: "body-limit-plus-discard",
    breaks: "a body over maxBytes is refused (here: only one over maxBytes + the 2 MB discard allowance)",
    file: "lib/request-body.ts",
    search: "if (size > maxBytes) return null;",
    replace: "if (size > maxBytes + DISCARD_MAX_BYTES) return null;",
    tests: [UNIT("server-action-guard")],
  },
  {
    name: "disabled-user-database-session",
    breaks: "a disabled user's database session is refused",
    file: "lib/auth/strategy/database.ts",
    search: "isPastAbsoluteLifetime(new Date(row.createdAtMs), env) || !row.active)",
    replace: "isPastAbsoluteLifetime(new Date(row.createdAtMs), env))",
    tests: [INTEGRATION("session-security"), INTEGRATION("session-strategy")],
  },
  {
    name: "disabled-user-jwt-session",
    breaks: "a disabled user's JWT session is refused at its next recheck",
    file: "lib/auth/strategy/jwt.ts",
    search: "if (!row || row.expires.getTime() <= Date.now() || !row.user.active) {",
    replace: "if (!row || row.expires.getTime() <= Date.now()) {",
    tests: [INTEGRATION("session-security"), INTEGRATION("session-strategy")],
  },
  {
    name: "disabled-user-signs-in",
    breaks: "a disabled user's right password does not sign in (credentials check)",
    file: "lib/auth/credentials.ts",
    search: "if (!user || !user.passwordHash || !valid || !user.active) return null;",
    replace: "if (!user || !user.passwordHash || !valid) return null;",
    tests: [INTEGRATION("session-security"), INTEGRATION("sign-in")],
  },
  {
    name: "permission-check-ignored",
    breaks: "admin pages, actions and APIs require the permission (requirePermission / authorizeRequest)",
    file: "lib/permissions.ts",
    search: "return claims.permissions.includes(permission);",
    replace: "return claims.permissions.length >= 0;",
    // The DAL's one decision; tests/e2e/authorization.test.ts and admin.test.ts prove the pages and routes use it.
    tests: [UNIT("permissions")],
  },
  {
    name: "device-cookie-epoch-unbound",
    breaks: "a device cookie is signed with the credential epoch, so a reset or password change voids it",
    file: "lib/auth/device-cookie.ts",
    search: "const bound = `${account.email.toLowerCase()}\\n${account.credentialEpoch}\\n${nonce}\\n${issuedAt}`;",
    replace: "const bound = `${account.email.toLowerCase()}\\n${nonce}\\n${issuedAt}`;",
    tests: [INTEGRATION("security-events"), INTEGRATION("device-cookie")],
  },
  {
    name: "undo-link-withdrawn",
    breaks: "the owner's undo link survives a reset or password change made from the new address",
    file: "lib/account/security-event.ts",
    search: 'const ALL_BUT_UNDO = ["verify-email", "reset-password", "change-email"] as const;',
    replace: 'const ALL_BUT_UNDO = ["verify-email", "reset-password", "change-email", "undo-email-change"] as const;',
    tests: [INTEGRATION("security-events")],
  },
  {
    name: "password-change-keeps-links",
    breaks: "a password change withdraws pending reset, confirmation and email-change links",
    file: "lib/account/security-event.ts",
    search: '"password-changed": { sessions: "others", links: ALL_BUT_UNDO,',
    replace: '"password-changed": { sessions: "others", links: [],',
    tests: [INTEGRATION("security-events")],
  },
];

export class MutantError extends Error {}

const USAGE = `Usage: npm run test:mutants -- [--only=<name,...>] [--provider=sqlite|postgresql] [--list]

Applies each mutant, one at a time, to a scratch copy of the project and runs the test files that should
catch it. Integration files use SQLite unless --provider=postgresql. Exit code 1 when a mutant survives (or a
run fails without naming a failed test), 2 when nothing could be run: a usage mistake, a mutant that no longer
matches its source, or a baseline (the selected files, unmutated) that fails.

  --only=<names>   run only these mutants (comma-separated; see --list)
  --provider=...   database for integration files: sqlite (default) or postgresql
  --list           list the mutants and the test files each one runs
  -h, --help       show this help`;

export type Options = { only: Mutant[]; provider: "sqlite" | "postgresql"; list: boolean; help: boolean };

export function parseOptions(argv: string[], mutants: Mutant[] = MUTANTS): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        only: { type: "string" },
        provider: { type: "string", default: "sqlite" },
        list: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new MutantError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.provider !== "sqlite" && values.provider !== "postgresql")
    throw new MutantError(`--provider must be sqlite or postgresql, not "${values.provider}".\n\n${USAGE}`);
  const names = values.only
    ?.split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names?.filter((name) => !mutants.some((m) => m.name === name)) ?? [];
  if (unknown.length)
    throw new MutantError(`No mutant named ${unknown.join(", ")}. Known: ${mutants.map((m) => m.name).join(", ")}`);
  const only = names ? mutants.filter((m) => names.includes(m.name)) : mutants;
  return { only, provider: values.provider, list: values.list, help: values.help };
}

function occurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length)) count++;
  return count;
}

/** The mutated source; throws unless the search string occurs exactly once. */
export function mutate(source: string, mutant: Pick<Mutant, "name" | "file" | "search" | "replace">): string {
  const count = occurrences(source, mutant.search);
  if (count !== 1)
    throw new MutantError(
      `Mutant ${mutant.name}: ${JSON.stringify(mutant.search)} occurs ${count} times in ${mutant.file} (must be exactly once; update the mutant).`,
    );
  return source.replace(mutant.search, () => mutant.replace);
}

/** Every problem with these mutants in the project at `root` (missing sources, searches, test files), at once. */
export function mutantProblems(root: string, mutants: Mutant[]): string[] {
  return mutants.flatMap((mutant) => {
    const path = join(root, mutant.file);
    if (!existsSync(path)) return [`Mutant ${mutant.name}: ${mutant.file} does not exist.`];
    const problems: string[] = [];
    try {
      mutate(readFileSync(path, "utf8"), mutant);
    } catch (error) {
      problems.push((error as Error).message);
    }
    for (const test of mutant.tests)
      if (!existsSync(join(root, test))) problems.push(`Mutant ${mutant.name}: test file ${test} does not exist.`);
    return problems;
  });
}

type JsonReport = {
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
};

/** The failures in a vitest JSON report, as "file > test name" (or "file: did not run …" when it did not load). */
export function failuresIn(report: JsonReport, root: string): string[] {
  return (report.testResults ?? []).flatMap((file) => {
    const path = file.name.startsWith(`${root}/`) ? file.name.slice(root.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    if (failed.length) return failed.map((test) => `${path} > ${test.fullName}`);
    const reason = (file.message ?? "").split("\n").find((line) => line.trim()) ?? "";
    return file.status === "failed" ? [`${path}: did not run (${reason.trim().slice(0, 160)})`] : [];
  });
}

/** A copy to mutate: the project's sources (with lib/generated), and node_modules linked entry by entry. */
function scratchCopy(projectRoot: string): string {
  const root = mkdtempSync(join(tmpdir(), "starter-mutants-"));
  // Build output, databases, local settings and caches are not needed and must not be shared.
  const skipped = new Set(["node_modules", ".git", ".tmp", "test-results", ".env", "tsconfig.tsbuildinfo"]);
  for (const entry of readdirSync(projectRoot)) {
    if (skipped.has(entry) || entry.startsWith(".next") || /^\.env\..*local$/.test(entry)) continue;
    cpSync(join(projectRoot, entry), join(root, entry), {
      recursive: true,
      filter: (source) => !/\.db(-journal|-wal|-shm)?$/.test(source),
    });
  }
  // Linked per entry rather than as one folder, so vite's cache (node_modules/.vite) stays in the copy.
  mkdirSync(join(root, "node_modules"));
  for (const entry of readdirSync(join(projectRoot, "node_modules"))) {
    if (entry === ".vite" || entry === ".cache") continue;
    symlinkSync(join(projectRoot, "node_modules", entry), join(root, "node_modules", entry));
  }
  return root;
}

const RUN_TIMEOUT_MS = 10 * 60_000;
let running: ReturnType<typeof spawn> | undefined;

type Run = { exitCode: number | null; timedOut: boolean; failures: string[]; log: string; seconds: number };

/** Runs vitest in the copy on these files; unit and integration files each in their own project. */
function runTests(root: string, files: string[], provider: Options["provider"], reportFile: string): Promise<Run> {
  const projects = [...new Set(files.map((file) => file.split("/")[1]))];
  const args = [
    join(root, "node_modules", "vitest", "vitest.mjs"),
    "run",
    ...projects.flatMap((project) => ["--project", project]),
    "--reporter=json",
    `--outputFile.json=${reportFile}`,
    ...files,
  ];
  const started = Date.now();
  rmSync(reportFile, { force: true });
  return new Promise((done, fail) => {
    // Its own process group, so a timeout ends vitest's workers too.
    const child = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      // Plain text: the log is only shown when a run fails without naming a test.
      env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: "1", TEST_DATABASE_PROVIDER: provider },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running = child;
    let log = "";
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, "SIGKILL");
    }, RUN_TIMEOUT_MS);
    child.on("error", fail);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      running = undefined;
      let failures: string[] = [];
      try {
        failures = failuresIn(JSON.parse(readFileSync(reportFile, "utf8")) as JsonReport, root);
      } catch {
        // no report: the run failed before its tests (the log says why)
      }
      done({ exitCode, timedOut, failures, log, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

type Outcome = { mutant: Mutant; verdict: "caught" | "SURVIVED" | "ERROR"; details: string[]; seconds: number };

function verdictOf(run: Run): Pick<Outcome, "verdict" | "details"> {
  if (run.timedOut) return { verdict: "caught", details: [`timed out after ${RUN_TIMEOUT_MS / 60_000} min`] };
  if (run.exitCode === 0) return { verdict: "SURVIVED", details: [] };
  if (run.failures.length) return { verdict: "caught", details: run.failures };
  // vitest failed without naming a test: the mutant broke the run itself, which proves nothing.
  return { verdict: "ERROR", details: [`vitest exited ${run.exitCode} without a failed test:`, ...tail(run.log, 5)] };
}

const tail = (log: string, lines: number) => log.trimEnd().split("\n").slice(-lines);

const SHOWN_PER_MUTANT = 3;

export function formatTable(outcomes: Outcome[]): string {
  const nameWidth = Math.max(...outcomes.map((o) => o.mutant.name.length), "mutant".length);
  const lines = [`${"mutant".padEnd(nameWidth)}  ${"result".padEnd(8)}  ${"time".padStart(5)}  caught by`];
  for (const { mutant, verdict, details, seconds } of outcomes) {
    const shown =
      verdict === "SURVIVED" ? [`(${mutant.tests.join(", ")} all passed)`] : details.slice(0, SHOWN_PER_MUTANT);
    if (verdict === "caught" && details.length > SHOWN_PER_MUTANT)
      shown.push(`… and ${details.length - SHOWN_PER_MUTANT} more failed tests`);
    const head = `${mutant.name.padEnd(nameWidth)}  ${verdict.padEnd(8)}  ${`${seconds}s`.padStart(5)}  `;
    lines.push(head + shown[0], ...shown.slice(1).map((line) => " ".repeat(head.length) + line));
  }
  return lines.join("\n");
}

function listMutants(mutants: Mutant[]): string {
  return mutants
    .map((m) => `${m.name}\n  breaks: ${m.breaks}\n  ${m.file}\n  tests:  ${m.tests.join(", ")}`)
    .join("\n");
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) return (console.log(USAGE), 0);
  if (options.list) return (console.log(listMutants(options.only)), 0);

  const projectRoot = resolve(import.meta.dirname, "..");
  const started = Date.now();
  const root = scratchCopy(projectRoot);
  const stop = () => {
    if (running?.pid) process.kill(-running.pid, "SIGKILL");
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    // Every mutant is checked, not only the selected ones: a stale mutant fails loudly on any run.
    const problems = mutantProblems(root, MUTANTS);
    if (problems.length) throw new MutantError(problems.join("\n"));

    const files = [...new Set(options.only.flatMap((m) => m.tests))].sort();
    const reportFile = join(root, ".mutants-report.json");
    console.log(`Scratch copy: ${root} (provider ${options.provider})`);
    console.log(`Baseline, unmutated: ${files.map((file) => basename(file)).join(", ")}`);
    const baseline = await runTests(root, files, options.provider, reportFile);
    if (baseline.exitCode !== 0) {
      console.error(
        `\nThe baseline fails without any mutant (${baseline.timedOut ? "timed out" : `exit ${baseline.exitCode}`}), so nothing can be concluded:`,
      );
      console.error([...baseline.failures, ...(baseline.failures.length ? [] : tail(baseline.log, 30))].join("\n"));
      return 2;
    }
    console.log(`Baseline passed (${baseline.seconds}s).\n`);

    const outcomes: Outcome[] = [];
    for (const [index, mutant] of options.only.entries()) {
      const path = join(root, mutant.file);
      const original = readFileSync(path, "utf8");
      writeFileSync(path, mutate(original, mutant));
      try {
        const run = await runTests(root, mutant.tests, mutant.provider ?? options.provider, reportFile);
        outcomes.push({ mutant, ...verdictOf(run), seconds: run.seconds });
      } finally {
        writeFileSync(path, original);
      }
      const last = outcomes.at(-1)!;
      console.log(`[${index + 1}/${options.only.length}] ${mutant.name}: ${last.verdict} (${last.seconds}s)`);
    }

    console.log(`\n${formatTable(outcomes)}\n`);
    const survived = outcomes.filter((o) => o.verdict === "SURVIVED");
    const errors = outcomes.filter((o) => o.verdict === "ERROR");
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    console.log(
      `${outcomes.length - survived.length - errors.length} caught, ${survived.length} survived, ${errors.length} errors; ${minutes} min in all.`,
    );
    for (const { mutant } of survived)
      console.log(`SURVIVED ${mutant.name}: ${mutant.tests.join(", ")} still pass when this breaks: ${mutant.breaks}.`);
    return survived.length || errors.length ? 1 : 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      // Usage mistakes and stale mutants are printed plainly; anything else with its stack.
      console.error(error instanceof MutantError ? `Error: ${error.message}` : error);
      process.exitCode = 2;
    },
  );
}
