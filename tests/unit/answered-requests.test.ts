import { describe, expect, it } from "vitest";
import { answeredRequestQueue } from "../../lib/answered-requests";
import { keyedQueue } from "../../lib/mail/keyed-queue";

// The queues behind forgot password and resend confirmation, with work whose timing the test controls.

/** A promise the test resolves when it chooses. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every job that can run now run (promise callbacks and the I/O turn after them). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("keyedQueue", () => {
  it("folds a push for a key that is still waiting into it: one run, with the newest item, in the old place", async () => {
    const blocker = gate();
    const ran: string[] = [];
    const queue = keyedQueue<string>({
      concurrency: 1,
      limit: 10,
      work: async (item) => {
        if (item === "block") await blocker.opened;
        ran.push(item);
      },
    });
    expect(queue.push("first", "block")).toBe("queued");
    expect(queue.push("a", "a1")).toBe("queued");
    expect(queue.push("b", "b1")).toBe("queued");
    expect(queue.push("a", "a2")).toBe("merged");
    expect(queue.push("a", "a3")).toBe("merged");
    expect(queue.size()).toBe(3);
    blocker.open();
    await queue.whenIdle();
    expect(ran).toEqual(["block", "a3", "b1"]);
    expect(queue.dropped()).toBe(0);
  });

  it("runs one job per key at a time: asked again while running, the next one waits for it", async () => {
    const gates = [gate(), gate()];
    const events: string[] = [];
    let calls = 0;
    const queue = keyedQueue<string>({
      concurrency: 4,
      limit: 10,
      work: async (item) => {
        const own = gates[calls++];
        events.push(`start ${item}`);
        if (own) await own.opened;
        events.push(`end ${item}`);
      },
    });
    queue.push("alice", "first");
    await settle();
    expect(queue.push("alice", "second")).toBe("queued"); // not merged: the first one has started
    queue.push("bob", "other");
    await settle();
    // Bob runs beside Alice's first job; Alice's second does not start while her first runs.
    expect(events).toEqual(["start first", "start other"]);
    gates[0]!.open();
    await settle();
    expect(events.slice(2, 4)).toEqual(["end first", "start second"]);
    gates[1]!.open();
    await queue.whenIdle();
    expect(events).toHaveLength(6);
  });

  it("never runs more than `concurrency` jobs at once", async () => {
    let running = 0;
    let most = 0;
    const queue = keyedQueue<number>({
      concurrency: 3,
      limit: 100,
      work: async () => {
        most = Math.max(most, ++running);
        await settle();
        running--;
      },
    });
    for (let i = 0; i < 50; i++) queue.push(`key-${i}`, i);
    await queue.whenIdle();
    expect(most).toBe(3);
  });

  it("refuses and counts pushes past its limit, and takes them again once there is room", async () => {
    const blocker = gate();
    const queue = keyedQueue<number>({ concurrency: 1, limit: 3, work: () => blocker.opened });
    const outcomes = [1, 2, 3, 4, 5].map((i) => queue.push(`key-${i}`, i));
    expect(outcomes).toEqual(["queued", "queued", "queued", "dropped", "dropped"]);
    expect(queue.push("key-2", 2)).toBe("merged"); // folding needs no room
    expect(queue.dropped()).toBe(2);
    blocker.open();
    await queue.whenIdle();
    expect(queue.push("key-4", 4)).toBe("queued");
    await queue.whenIdle();
    expect(queue.dropped()).toBe(2);
  });
});

describe("answeredRequestQueue", () => {
  const limits = { lookupConcurrency: 4, lookupLimit: 1_000, sendConcurrency: 2, sendLimit: 3 };
  const unknown = { lookup: async () => null, send: async () => expect.fail("nothing to send") };

  it("a flood of unknown addresses never delays or drops a known one, even with every sender stuck", async () => {
    const queue = answeredRequestQueue(limits);
    const stuck = gate();
    const sent: string[] = [];
    const known = (email: string) => ({
      lookup: async () => ({ email }),
      send: async ({ email }: { email: string }) => {
        sent.push(email);
        await stuck.opened; // a mail server that does not answer
      },
    });
    queue.push("reset-password", "early@example.com", known("early@example.com"));
    for (let i = 0; i < 900; i++) {
      if (i === 450) queue.push("reset-password", "owner@example.com", known("owner@example.com"));
      expect(queue.push("reset-password", `nobody-${i}@example.com`, unknown)).toBe(true);
    }
    // Every lookup is done although the senders never finish: unknown addresses do not wait for mail.
    await settle();
    await settle();
    expect(queue.stats()).toEqual({ queued: 0, dropped: 0 });
    expect(sent).toEqual(["early@example.com", "owner@example.com"]);
    stuck.open();
    await queue.whenIdle();
  });

  it("with the send stage full, a request is dropped before its lookup, whether or not the address is known", async () => {
    const queue = answeredRequestQueue(limits);
    const stuck = gate();
    let lookups = 0;
    const known = {
      lookup: async () => (lookups++, { id: "u" }),
      send: () => stuck.opened,
    };
    for (let i = 0; i < limits.sendLimit; i++) queue.push("reset-password", `known-${i}@example.com`, known);
    await settle();
    expect(lookups).toBe(limits.sendLimit);
    expect(queue.stats().dropped).toBe(0);

    queue.push("reset-password", "one-more-known@example.com", known);
    queue.push("reset-password", "nobody@example.com", {
      lookup: async () => (lookups++, null),
      send: unknown.send,
    });
    await settle();
    expect(lookups).toBe(limits.sendLimit); // neither was looked up: the drop says nothing about the address
    expect(queue.stats()).toEqual({ queued: 0, dropped: 2 });
    stuck.open();
    await queue.whenIdle();
    // Room again: the next request goes through.
    queue.push("reset-password", "one-more-known@example.com", known);
    await queue.whenIdle();
    expect(lookups).toBe(limits.sendLimit + 1);
    expect(queue.stats().dropped).toBe(2);
  });

  it("folds repeated requests per recipient and purpose, and keeps different purposes apart", async () => {
    const queue = answeredRequestQueue({ ...limits, lookupConcurrency: 1 });
    const blocker = gate();
    const sent: string[] = [];
    queue.push("reset-password", "first@example.com", {
      lookup: () => blocker.opened.then(() => null),
      send: unknown.send,
    });
    const request = (label: string) => ({
      lookup: async () => label,
      send: async (found: string) => void sent.push(found),
    });
    queue.push("reset-password", "alice@example.com", request("reset 1"));
    queue.push("reset-password", "Alice@Example.com", request("reset 2"));
    queue.push("verify-email", "alice@example.com", request("verify"));
    expect(queue.stats().queued).toBe(3);
    blocker.open();
    await queue.whenIdle();
    expect(sent.sort()).toEqual(["reset 2", "verify"]);
  });

  it("a failing lookup or send is logged and does not stop the queue", async () => {
    const queue = answeredRequestQueue(limits);
    const sent: string[] = [];
    queue.push("reset-password", "broken@example.com", {
      lookup: async () => {
        throw new Error("database unreachable");
      },
      send: unknown.send,
    });
    queue.push("reset-password", "fine@example.com", {
      lookup: async () => "fine",
      send: async (found) => void sent.push(found),
    });
    await queue.whenIdle();
    expect(sent).toEqual(["fine"]);
  });
});
