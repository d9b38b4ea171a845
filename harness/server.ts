import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { projectRoot } from "./databases";
import { harnessMailbox } from "./mail-catcher";

// Starts the production build (`next start`) as a child we own, and stops it by PID.

export type RunningServer = {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export const E2E_SECRET = "e2e-secret-that-is-long-enough-for-auth-js-0123456789";

/**
 * For environments parsed under production rules that never make a link (in-process bench setups, scripts under
 * test). http, so cookie names stay those of a server without AUTH_URL.
 */
export const UNUSED_AUTH_URL = "http://links.invalid";

export function serverEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    AUTH_SECRET: E2E_SECRET,
    AUTH_TRUST_HOST: "true",
    AUTH_BCRYPT_COST: "4",
    // The test clients stand in for a reverse proxy: an X-Forwarded-For they send is the client address, and
    // without one `next start` fills in the loopback address. Every e2e file signs in from that one address and
    // a few shared accounts; lockouts have their own tests (integration, fuzz).
    AUTH_TRUSTED_PROXY_HOPS: "1",
    AUTH_SIGNIN_MAX_FAILURES: "100",
    AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: "100",
    // Every e2e file (the fuzz's thousands of sign-ups included) registers and starts carts from that one address;
    // the per-address creation limits have their own tests (integration, and address-limits.test.ts with its own server).
    AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: "1000000",
    SESSION_DATA_ADDRESS_MAX_NEW: "1000000",
    // The fuzz signs up 8 at a time from that address, and signs in 8 at a time to one account; the hashing
    // queue's per-client and per-account bounds have their own tests (integration hashing-flood.test.ts).
    AUTH_HASH_CLIENT_MAX: "1000",
    AUTH_HASH_ACCOUNT_MAX: "1000",
    // Sign-ups in most files go straight on to signing in, without a mail each; the confirmation modes have tests
    // with servers of their own (email-flows.test.ts).
    AUTH_EMAIL_VERIFICATION: "off",
    AUTH_EMAIL_SEND_MAX: "1000000",
    AUTH_EMAIL_ADDRESS_SEND_MAX: "1000000",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
    ...(process.env.PRISMA_SCHEMA_ENGINE_BINARY
      ? { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY }
      : {}),
    ...overrides,
  };
}

export async function startServer(env: NodeJS.ProcessEnv, port?: number): Promise<RunningServer> {
  // Production refuses to start without SMTP_URL. Unless the caller chose one (or "" to see that refusal), the
  // server's mail goes to the harness's catcher.
  if (env.SMTP_URL === undefined) env = { ...env, SMTP_URL: (await harnessMailbox()).url };
  const p = port ?? (await freePort());
  // Production also refuses to start without somewhere for emailed links to point. Unless the caller chose
  // (AUTH_URL, which Auth.js uses as well, or "" to see the refusal), links go to the address the tests use.
  if (env.AUTH_URL === undefined && env.AUTH_LINK_HOSTS === undefined)
    env = { ...env, AUTH_LINK_HOSTS: `http://localhost:${p}` };
  const bin = join(projectRoot, "node_modules", "next", "dist", "bin", "next");
  const server = await spawnUntilHealthy(process.execPath, [bin, "start", "-p", String(p)], {
    cwd: projectRoot,
    env,
    url: `http://localhost:${p}`,
    name: "next start",
    timeoutMs: 30_000,
  });
  return { ...server, port: p };
}

/**
 * Starts a server process we own and waits until its /api/health answers (200, or 503 while its database is
 * down); stops it and throws with its output when it exits or does not answer in time.
 */
export async function spawnUntilHealthy(
  command: string,
  args: string[],
  {
    cwd,
    env,
    url,
    name,
    timeoutMs,
  }: { cwd: string; env: NodeJS.ProcessEnv; url: string; name: string; timeoutMs: number },
): Promise<Omit<RunningServer, "port">> {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200 || response.status === 503)
        return { url, process: child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${name} did not answer within ${timeoutMs / 1000} s:\n${output}`);
}
