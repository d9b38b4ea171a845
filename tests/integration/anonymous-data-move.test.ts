import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MOVED_MARKER, MOVED_MARKER_SECONDS, moveAnonymousData, undoMove } from "../../lib/session-data/anonymous";
import { anonymousOwner, generateAnonymousToken } from "../../lib/session-data/owner";
import { createSessionStore } from "../../lib/session-data/store";
import { createTestContext, type TestContext } from "../support/test-env";

// Copy-on-write of anonymous session data (lib/session-data/anonymous.ts) on a real database: every anonymous
// write moves the browser's rows to a fresh id, so an id someone else knows (planted in the browser) never holds
// what the browser writes afterwards.

const cart = createSessionStore("cart", z.object({ items: z.record(z.string(), z.number()) }), {
  initial: { items: {} },
});
const draft = createSessionStore("draft", z.object({ text: z.string() }), { initial: { text: "" } });
const newOwner = () => anonymousOwner(generateAnonymousToken());

describe("moving anonymous data to a fresh id", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.cleanup());

  it("moves every store's data; the old id then reads as empty and is claimed for a while", async () => {
    const old = newOwner();
    await cart.write(ctx.db, old, () => ({ items: { pen: 2 } }));
    await draft.write(ctx.db, old, () => ({ text: "planted" }));
    const fresh = newOwner();

    expect(await moveAnonymousData(ctx.db, old, fresh)).toBe("moved");
    expect(await cart.read(ctx.db, fresh)).toEqual({ items: { pen: 2 } });
    expect(await draft.read(ctx.db, fresh)).toEqual({ text: "planted" });
    // A write under the new id is invisible through the old one.
    await draft.write(ctx.db, fresh, () => ({ text: "the visitor's own words" }));
    expect(await draft.read(ctx.db, old)).toEqual({ text: "" });
    expect(await cart.read(ctx.db, old)).toEqual({ items: {} });
    const left = await ctx.db.sessionData.findMany({ where: { key: old.key }, select: { name: true } });
    expect(left).toEqual([{ name: MOVED_MARKER }]);
    // Presented again (another tab that had not yet received the new cookie, or the planter): busy, nothing moves.
    expect(await moveAnonymousData(ctx.db, old, newOwner())).toBe("busy");
    // Once the marker's time is up the old id is simply unknown.
    const later = new Date(Date.now() + (MOVED_MARKER_SECONDS + 1) * 1000);
    expect(await moveAnonymousData(ctx.db, old, newOwner(), later)).toBe("nothing");
    expect(await draft.read(ctx.db, fresh)).toEqual({ text: "the visitor's own words" });
  });

  it("an unknown or empty id has nothing to move and leaves no row behind", async () => {
    const planted = newOwner();
    expect(await moveAnonymousData(ctx.db, planted, newOwner())).toBe("nothing");
    expect(await ctx.db.sessionData.count({ where: { key: planted.key } })).toBe(0);
  });

  it("expired data is not carried over", async () => {
    const old = newOwner();
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    await cart.write(ctx.db, old, () => ({ items: { mug: 1 } }), longAgo);
    expect(await moveAnonymousData(ctx.db, old, newOwner())).toBe("nothing");
  });

  it("of 10 requests moving the same id at once, exactly one gets the data; the others are told it is busy", async () => {
    const old = newOwner();
    await cart.write(ctx.db, old, () => ({ items: { notebook: 1 } }));
    const targets = Array.from({ length: 10 }, newOwner);
    const results = await Promise.all(targets.map((target) => moveAnonymousData(ctx.db, old, target)));
    expect(results.filter((r) => r === "moved")).toHaveLength(1);
    expect(results.filter((r) => r === "busy")).toHaveLength(9);
    const holders = await ctx.db.sessionData.findMany({
      where: { key: { in: targets.map((t) => t.key) } },
      select: { key: true, name: true },
    });
    expect(holders).toEqual([{ key: targets[results.indexOf("moved")].key, name: "cart" }]);
  });

  it("undoMove puts the data back and lifts the claim (the new cookie could not be set)", async () => {
    const old = newOwner();
    await cart.write(ctx.db, old, () => ({ items: { pen: 1 } }));
    const fresh = newOwner();
    expect(await moveAnonymousData(ctx.db, old, fresh)).toBe("moved");
    await undoMove(ctx.db, old, fresh);
    expect(await cart.read(ctx.db, old)).toEqual({ items: { pen: 1 } });
    expect(await ctx.db.sessionData.count({ where: { key: fresh.key } })).toBe(0);
    expect(await moveAnonymousData(ctx.db, old, newOwner())).toBe("moved");
  });

  it("the marker's name cannot be used as a store", () => {
    expect(() => createSessionStore(MOVED_MARKER, z.object({}), { initial: {} })).toThrow(/reserved/);
  });
});
