import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  isPasswordPoolBusy,
  PasswordPool,
  PasswordPoolBusyError,
  type PasswordTicket,
  type PasswordWorkKeys,
} from "../../lib/password-pool";

const outcome = (job: Promise<unknown>) =>
  job.then(
    () => "done",
    (error) => (isPasswordPoolBusy(error) ? "busy" : `error: ${error}`),
  );

/** Admits `count` tickets with `keys` (a function of the index) and returns what was admitted. */
function admitMany(pool: PasswordPool, count: number, keys: (i: number) => PasswordWorkKeys): PasswordTicket[] {
  const tickets: PasswordTicket[] = [];
  for (let i = 0; i < count; i++) {
    const ticket = pool.admit(keys(i));
    if (ticket) tickets.push(ticket);
  }
  return tickets;
}
const releaseAll = (tickets: PasswordTicket[]) => tickets.forEach((t) => t.release());

describe("the password-hashing queue is bounded", () => {
  const pool = new PasswordPool(1, { maxJobs: 2 });
  afterAll(() => pool.destroy());

  it("past its bound a job is refused at once with a busy error instead of queueing, and the pool recovers", async () => {
    const started = performance.now();
    const jobs = Array.from({ length: 6 }, () => outcome(pool.run("hash", ["a password", 6])));
    const refusedAt = await Promise.race([jobs[5], new Promise((r) => setTimeout(() => r("still waiting"), 1000))]);
    expect(refusedAt).toBe("busy");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await Promise.all(jobs)).toEqual(["done", "done", "busy", "busy", "busy", "busy"]);
    expect(pool.held).toBe(0);
    expect(await outcome(pool.run("hash", ["again", 4]))).toBe("done");
  });

  it("pads a compare against a cheaper hash to the work of a compare at the target cost", async () => {
    const cheap = (await pool.run("hash", ["pw", 4])) as string;
    const time = async (target: number) => {
      const started = performance.now();
      expect(await pool.run("compare-at-cost", ["pw", cheap, target])).toBe(true);
      return performance.now() - started;
    };
    await time(4);
    const plain = Math.min(await time(4), await time(4), await time(4));
    const padded = await time(8);
    expect(padded).toBeGreaterThan(6 * plain); // 16 compares at cost 4 instead of 1
    expect(await pool.run("compare-at-cost", ["wrong", cheap, 8])).toBe(false);
  });
});

// Admission is decided per request, before any work: these tests hold tickets without running anything, so what
// is admitted depends on the rules alone, not on timing.
describe("admission: one client or one account cannot fill the queue, and a share is kept for priority", () => {
  // 8 slots: ordinary requests may hold 6, an account's first attempt from a new client 7, a device cookie all 8.
  let pool: PasswordPool;
  beforeEach(() => {
    pool = new PasswordPool(1, { maxJobs: 8, perClient: 4, perAccount: 2 });
  });
  afterEach(() => pool.destroy());

  it("bounds the requests held per client address", () => {
    const fromOne = admitMany(pool, 10, (i) => ({ client: "198.51.100.1", account: `junk-${i}@example.com` }));
    expect(fromOne).toHaveLength(4);
    const other = pool.admit({ client: "198.51.100.2", account: "owner@example.com" });
    expect(other).not.toBeNull();
    releaseAll([...fromOne, other!]);
    expect(pool.held).toBe(0);
  });

  it("bounds the requests held per account, counting device-cookie requests apart", () => {
    const account = "target@example.com";
    const strangers = admitMany(pool, 5, (i) => ({ client: `203.0.113.${i}`, account }));
    expect(strangers).toHaveLength(2);
    // The owner's browser is not crowded out by strangers holding the account's untrusted share.
    const devices = admitMany(pool, 5, () => ({ client: null, account, trustedDevice: true }));
    expect(devices).toHaveLength(2);
    releaseAll([...strangers, ...devices]);
  });

  it("without a known client address there is no per-client bound, only the per-account one", () => {
    const unknown = admitMany(pool, 10, (i) => ({ client: null, account: `junk-${i}@example.com` }));
    expect(unknown).toHaveLength(6); // the ordinary share: the rest of the queue is reserved
    releaseAll(unknown);
  });

  it("keeps the last slots for an account's first attempt from a new client, and the very last for a device cookie", () => {
    const flood = admitMany(pool, 10, (i) => ({ client: null, account: `junk-${i}@example.com` }));
    expect(flood).toHaveLength(6);
    expect(pool.admit({ client: null, account: "owner@example.com" })).toBeNull(); // unknown client: ordinary
    const firstAttempt = pool.admit({ client: "192.0.2.10", account: "owner@example.com" });
    expect(firstAttempt).not.toBeNull();
    expect(pool.admit({ client: "192.0.2.11", account: "someone@example.com" })).toBeNull(); // that share is full
    const device = pool.admit({ client: null, account: "owner@example.com", trustedDevice: true });
    expect(device).not.toBeNull();
    expect(pool.admit({ client: null, account: "other@example.com", trustedDevice: true })).toBeNull(); // all 8 held
    releaseAll([...flood, firstAttempt!, device!]);
  });

  it("is not a first attempt when the client or the account already has work held", () => {
    const flood = admitMany(pool, 6, (i) => ({ client: `10.0.0.${i}`, account: `junk-${i}@example.com` }));
    expect(flood).toHaveLength(6);
    // 10.0.0.1 already has a request held: its next one is ordinary, and the ordinary share is full.
    expect(pool.admit({ client: "10.0.0.1", account: "new@example.com" })).toBeNull();
    // junk-2 already has a request held (from 10.0.0.2): from a new client it is still not a first attempt.
    expect(pool.admit({ client: "10.9.9.9", account: "junk-2@example.com" })).toBeNull();
    const fresh = pool.admit({ client: "10.9.9.9", account: "new@example.com" });
    expect(fresh).not.toBeNull();
    releaseAll([...flood, fresh!]);
  });

  it("a job under a held ticket is never refused, even with every slot taken; its slot is freed once released and done", async () => {
    const owner = pool.admit({ client: "192.0.2.1", account: "owner@example.com" })!;
    const rest = admitMany(pool, 10, (i) => ({ account: `device-${i}`, trustedDevice: true }));
    expect(pool.admit({ account: "x", trustedDevice: true })).toBeNull();
    expect(await outcome(pool.run("hash", ["unqueued", 4], { account: "x", trustedDevice: true }))).toBe("busy");
    const hashing = pool.run("hash", ["owner's password", 4], owner);
    owner.release(); // released while its job runs: the slot stays held until the job is done
    owner.release(); // releasing twice frees it once
    expect(pool.held).toBe(rest.length + 1);
    expect(await outcome(hashing)).toBe("done");
    expect(pool.held).toBe(rest.length);
    await expect(pool.run("hash", ["after release", 4], owner)).rejects.toThrow(/released ticket/);
    releaseAll(rest);
    expect(pool.held).toBe(0);
  });
});

describe("how long a refused client is told to wait", () => {
  const pool = new PasswordPool(2, { maxJobs: 400, perAccount: 400 });
  afterAll(() => pool.destroy());

  it("grows with the work held, at least 1 s and at most 30 s", () => {
    // Before any job has run, one job is assumed to take 250 ms.
    expect(pool.retryAfterSeconds()).toBe(1);
    const some = admitMany(pool, 16, () => ({ account: "a" }));
    expect(pool.retryAfterSeconds()).toBe(2); // 16 jobs × 250 ms over 2 workers
    const many = admitMany(pool, 300, () => ({ account: "a" }));
    expect(pool.retryAfterSeconds()).toBe(30);
    releaseAll([...some, ...many]);
  });
});

describe("device-cookie work goes first", () => {
  const pool = new PasswordPool(1, { maxJobs: 32 });
  afterAll(() => pool.destroy());

  it("a device-cookie job queued behind ordinary ones runs next, not last", async () => {
    const finished: string[] = [];
    const track = (name: string, keys: PasswordWorkKeys) =>
      pool.run("hash", [name, 6], keys).then(() => finished.push(name));
    const jobs = [0, 1, 2, 3].map((i) => track(`junk-${i}`, { account: `junk-${i}@example.com` }));
    jobs.push(track("owner", { account: "owner@example.com", trustedDevice: true }));
    await Promise.all(jobs);
    // junk-0 was already running on the only worker when the owner's job arrived.
    expect(finished).toEqual(["junk-0", "owner", "junk-1", "junk-2", "junk-3"]);
  });
});

describe("busy is recognised whichever copy of the module threw it", () => {
  it("a busy error from another copy of the module (another server bundle) is recognised, an ordinary error is not", async () => {
    vi.resetModules();
    const other = await import("../../lib/password-pool");
    expect(other.PasswordPoolBusyError).not.toBe(PasswordPoolBusyError);
    const error = new other.PasswordPoolBusyError(3);
    expect(error instanceof PasswordPoolBusyError).toBe(false); // why the check is not instanceof
    expect(isPasswordPoolBusy(error)).toBe(true);
    expect(other.isPasswordPoolBusy(new PasswordPoolBusyError())).toBe(true);
    for (const notBusy of [new Error("busy"), { name: "PasswordPoolBusyError" }, null, undefined, "busy"])
      expect(isPasswordPoolBusy(notBusy)).toBe(false);
  });

  it("the one pool per process (created by one copy of lib/password.ts) refuses callers of another copy with a busy they recognise", async () => {
    process.env.AUTH_HASH_QUEUE_MAX = "4";
    vi.resetModules();
    const first = await import("../../lib/password");
    const held: PasswordTicket[] = [];
    for (let ticket; (ticket = first.admitPasswordWork({ account: `a${held.length}` }));) held.push(ticket);
    expect(held.length).toBeGreaterThan(0);
    vi.resetModules();
    const second = await import("../../lib/password");
    try {
      const refusal = await second.hashPassword("a password", 4, { account: "b" }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal instanceof second.PasswordPoolBusyError).toBe(false); // thrown by the first copy's pool
      expect(second.isPasswordPoolBusy(refusal)).toBe(true);
    } finally {
      held.forEach((ticket) => ticket.release());
      delete process.env.AUTH_HASH_QUEUE_MAX;
    }
  });
});
