import { afterAll, describe, expect, it } from "vitest";
import { PasswordPool, PasswordPoolBusyError } from "../../lib/password-pool";

describe("the password-hashing queue is bounded", () => {
  const pool = new PasswordPool(1, 2);
  afterAll(() => pool.destroy());

  it("past its bound a job is refused at once with PasswordPoolBusyError instead of queueing, and the pool recovers", async () => {
    const outcome = (job: Promise<unknown>) =>
      job.then(
        () => "done",
        (error) => (error instanceof PasswordPoolBusyError ? "busy" : `error: ${error}`),
      );
    const started = performance.now();
    const jobs = Array.from({ length: 6 }, () => outcome(pool.run("hash", "a password", 6)));
    const refusedAt = await Promise.race([jobs[5], new Promise((r) => setTimeout(() => r("still waiting"), 1000))]);
    expect(refusedAt).toBe("busy");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await Promise.all(jobs)).toEqual(["done", "done", "busy", "busy", "busy", "busy"]);
    expect(pool.saturated).toBe(false);
    expect(await outcome(pool.run("hash", "again", 4))).toBe("done");
  });

  it("pads a compare against a cheaper hash to the work of a compare at the target cost", async () => {
    const cheap = (await pool.run("hash", "pw", 4)) as string;
    const time = async (target: number) => {
      const started = performance.now();
      expect(await pool.run("compare-at-cost", "pw", cheap, target)).toBe(true);
      return performance.now() - started;
    };
    await time(4);
    const plain = Math.min(await time(4), await time(4), await time(4));
    const padded = await time(8);
    expect(padded).toBeGreaterThan(6 * plain); // 16 compares at cost 4 instead of 1
    expect(await pool.run("compare-at-cost", "wrong", cheap, 8)).toBe(false);
  });
});
