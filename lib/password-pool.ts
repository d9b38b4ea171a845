import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

// bcrypt runs in worker threads: a hash is hundreds of milliseconds of CPU at the usual costs, which on the main
// thread would stall every other request. The worker is plain CommonJS evaluated from a string so that no bundler has to know
// about a separate worker file; it loads bcryptjs from node_modules.

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptPath);
// A stored hash made at a lower cost than the current one would answer faster than an unknown email (compared
// against a dummy hash at the current cost). "compare-at-cost" adds compares against a dummy hash of the stored
// cost until the work equals one compare at the target cost: 2^(target - stored) compares in all.
const dummies = new Map();
async function compareAtCost(password, hash, target) {
  const valid = await bcrypt.compare(password, hash);
  const cost = hash.startsWith("$2") && hash[6] === "$" ? Number(hash.slice(4, 6)) : NaN; // "$2b$12$…"
  if (cost >= 4 && cost < target) {
    if (!dummies.has(cost)) dummies.set(cost, bcrypt.hash("padding", cost));
    const dummy = await dummies.get(cost);
    for (let i = 1; i < 2 ** (target - cost); i++) await bcrypt.compare(password, dummy);
  }
  return valid;
}
parentPort.on("message", ({ id, op, a, b, c }) => {
  const work = op === "hash" ? bcrypt.hash(a, b) : op === "compare" ? bcrypt.compare(a, b) : compareAtCost(a, b, c);
  work.then((value) => parentPort.postMessage({ id, value }), (error) => parentPort.postMessage({ id, error: String(error) }));
});
`;

export type PasswordOp = "hash" | "compare" | "compare-at-cost";
type JobArgs = [a: string, b: string | number, c?: number];

// Each Next.js server bundle has its own copy of this module while the pool is one per process (globalThis), so
// the error a caller catches may come from another copy's class: it is recognised by this brand, not instanceof.
const BUSY = Symbol.for("auth-starter.password-pool.busy");

/** Thrown instead of queueing when the pool has no room for the job: the caller answers "busy, try again". */
export class PasswordPoolBusyError extends Error {
  readonly [BUSY] = true;
  constructor(readonly retryAfterSeconds = 1) {
    super(`Too many password checks are queued; try again in ${retryAfterSeconds} s.`);
    this.name = "PasswordPoolBusyError";
  }
}

/** Whether `error` is a "busy" refusal of the password pool, from whichever copy of this module threw it. */
export function isPasswordPoolBusy(error: unknown): error is PasswordPoolBusyError {
  return typeof error === "object" && error !== null && (error as { [BUSY]?: unknown })[BUSY] === true;
}

/**
 * Who password work is for. `client`: the client address (null when unknown: then there is no per-client bound
 * and no first-attempt priority). `account`: the lower-cased email or the user id. `trustedDevice`: the request
 * holds a valid device cookie for that account.
 */
export type PasswordWorkKeys = { client?: string | null; account?: string | null; trustedDevice?: boolean };

export type AdmissionLimits = {
  /** Slots held at once (a slot: one request's password work, queued or running). */
  maxJobs: number;
  perClient: number;
  /** Per account, counted apart for requests with and without a device cookie. */
  perAccount: number;
};

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxJobs: 32, perClient: 4, perAccount: 2 };

/**
 * Tiers of admission, best first. A quarter of the slots is held back from ordinary requests; half of that (the
 * last slots) only a device cookie may take, so even a flood from many addresses, each a "first attempt",
 * cannot crowd out the owner's own browser.
 */
type Tier = "device" | "first-attempt" | "ordinary";

/** A held slot: jobs run under it until it is released. Release it in a `finally`. */
export type PasswordTicket = { release(): void };

type Ticket = PasswordTicket & {
  tier: Tier;
  client: string | null;
  account: string | null;
  jobs: number;
  released: boolean;
};

type QueuedJob = {
  id: number;
  op: PasswordOp;
  args: JobArgs;
  ticket: Ticket;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
};
type PoolWorker = { worker: Worker; job: (QueuedJob & { startedAt: number }) | null };

function bcryptPath(): string {
  // Resolved at run time from the project, not at build time (bcryptjs is a server external package).
  return createRequire(join(process.cwd(), "package.json")).resolve("bcryptjs");
}

const count = (map: Map<string, number>, key: string | null) => (key === null ? 0 : (map.get(key) ?? 0));
function add(map: Map<string, number>, key: string | null, delta: number) {
  if (key === null) return;
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

/**
 * A bounded bcrypt pool. Admission is decided per request before any work (and before a throttle attempt is
 * reserved), so a refusal costs nothing; an admitted request holds its slot until it releases it, so its jobs
 * are never refused midway. Each worker runs one job at a time; device-cookie jobs go first in the queue.
 */
export class PasswordPool {
  private readonly limits: AdmissionLimits;
  private readonly workers: PoolWorker[] = [];
  private readonly queues: Record<"priority" | "ordinary", QueuedJob[]> = { priority: [], ordinary: [] };
  private readonly clients = new Map<string, number>();
  private readonly accounts = new Map<string, number>();
  private readonly tickets = new Set<Ticket>();
  private nextId = 1;
  /** Moving average of one job's run time, for an honest "try again in N s". */
  private jobMs = 250;
  private destroyed = false;

  constructor(
    private readonly size: number,
    limits: Partial<AdmissionLimits> = {},
  ) {
    this.limits = { ...DEFAULT_ADMISSION_LIMITS, ...limits };
  }

  /** Slots held now (queued, running or between jobs). */
  get held(): number {
    return this.tickets.size;
  }

  /** Roughly how long until the work held now has drained: what a refused client is told to wait. */
  retryAfterSeconds(): number {
    const seconds = Math.ceil((Math.max(1, this.held) * this.jobMs) / this.size / 1000);
    return Math.min(30, Math.max(1, seconds));
  }

  private capacity(tier: Tier): number {
    const { maxJobs } = this.limits;
    const reserved = Math.floor(maxJobs / 4);
    if (tier === "device") return maxJobs;
    return tier === "first-attempt" ? maxJobs - Math.ceil(reserved / 2) : maxJobs - reserved;
  }

  /** A slot for one request's password work, or null (answer "busy": nothing was started, nothing is owed). */
  admit({ client = null, account = null, trustedDevice = false }: PasswordWorkKeys = {}): PasswordTicket | null {
    if (this.destroyed) return null;
    const trusted = trustedDevice && account !== null;
    const accountKey = account === null ? null : `${trusted ? "device" : "other"}:${account}`;
    const fromClient = count(this.clients, client);
    const forAccount = count(this.accounts, accountKey);
    if (client !== null && fromClient >= this.limits.perClient) return null;
    if (accountKey !== null && forAccount >= this.limits.perAccount) return null;
    // An account's first attempt from a client with nothing in flight: a flood cannot look like that from one
    // address, only the owner arriving from somewhere new (or a flood from many addresses, hence the last slots).
    const firstAttempt = client !== null && accountKey !== null && fromClient === 0 && forAccount === 0;
    const tier: Tier = trusted ? "device" : firstAttempt ? "first-attempt" : "ordinary";
    if (this.held >= this.capacity(tier)) return null;

    const ticket: Ticket = {
      tier,
      client,
      account: accountKey,
      jobs: 0,
      released: false,
      release: () => {
        if (ticket.released) return;
        ticket.released = true;
        if (ticket.jobs === 0) this.free(ticket);
      },
    };
    this.tickets.add(ticket);
    add(this.clients, client, 1);
    add(this.accounts, accountKey, 1);
    return ticket;
  }

  private free(ticket: Ticket) {
    if (!this.tickets.delete(ticket)) return;
    add(this.clients, ticket.client, -1);
    add(this.accounts, ticket.account, -1);
  }

  /**
   * Runs one job under a held ticket (never refused), or admits it alone with `keys` (rejects with
   * PasswordPoolBusyError when there is no room).
   */
  run(op: PasswordOp, args: JobArgs, by: PasswordTicket | PasswordWorkKeys = {}): Promise<string | boolean> {
    const held = "release" in by ? (by as Ticket) : null;
    if (held && (held.released || !this.tickets.has(held)))
      return Promise.reject(new Error("password job run under a released ticket"));
    const ticket = held ?? (this.admit(by as PasswordWorkKeys) as Ticket | null);
    if (!ticket) return Promise.reject(new PasswordPoolBusyError(this.retryAfterSeconds()));
    ticket.jobs++;
    const done = new Promise<string | boolean>((resolve, reject) => {
      const queue = ticket.tier === "device" ? this.queues.priority : this.queues.ordinary;
      queue.push({ id: this.nextId++, op, args, ticket, resolve, reject });
      this.dispatch();
    });
    return done.finally(() => {
      ticket.jobs--;
      if (!held) ticket.release();
      else if (ticket.released && ticket.jobs === 0) this.free(ticket);
    });
  }

  private dispatch() {
    for (;;) {
      const queue = this.queues.priority.length ? this.queues.priority : this.queues.ordinary;
      if (!queue.length) return;
      const worker = this.idleWorker();
      if (!worker) return;
      const job = queue.shift()!;
      worker.job = { ...job, startedAt: performance.now() };
      worker.worker.ref(); // keep the process alive while a job is in flight
      const [a, b, c] = job.args;
      worker.worker.postMessage({ id: job.id, op: job.op, a, b, c });
    }
  }

  private idleWorker(): PoolWorker | null {
    if (this.destroyed) return null;
    const idle = this.workers.find((w) => !w.job);
    if (idle) return idle;
    return this.workers.length < this.size ? this.spawn() : null;
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = {
      worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: bcryptPath() } }),
      job: null,
    };
    this.workers.push(entry);
    entry.worker.unref(); // never keep a script or test process alive
    entry.worker.on("message", ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
      const job = entry.job;
      if (!job || job.id !== id) return;
      entry.job = null;
      entry.worker.unref();
      this.jobMs = 0.8 * this.jobMs + 0.2 * (performance.now() - job.startedAt);
      if (error) job.reject(new Error(error));
      else job.resolve(value!);
      this.dispatch();
    });
    entry.worker.on("error", (error) => this.fail(entry, error));
    entry.worker.on("exit", (code) => this.fail(entry, new Error(`password worker exited with code ${code}`)));
    return entry;
  }

  private fail(entry: PoolWorker, error: Error) {
    const index = this.workers.indexOf(entry);
    if (index < 0) return;
    this.workers.splice(index, 1);
    entry.job?.reject(error);
    entry.job = null;
    this.dispatch(); // the queue moves on to a new worker
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const job of [...this.queues.priority.splice(0), ...this.queues.ordinary.splice(0)])
      job.reject(new Error("password pool destroyed"));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
