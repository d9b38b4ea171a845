import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throttleKeys } from "../../lib/auth/throttle";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { startServer, type RunningServer } from "../../harness/server";
import { createTestUser, deleteTestUser, ownServerEnv, type TestUser } from "./helpers";

// Guessing attacks on two `next start` instances that share the run's database, through Auth.js's real
// credentials callback. Both instances are started here with small limits (the runner's server has generous ones
// so the other files can sign in freely). Every guess carries its own X-Forwarded-For (the servers trust one proxy
// hop, so that entry is the client address): the per-account limit is what has to hold, however the guesses are
// spread. The addresses are documentation ranges and only ever appear in a header.
const { strategy } = e2eTarget();
const provider = process.env.E2E_PROVIDER ?? "unknown";
const MAX_FAILURES = 5;
const ADDRESS_MAX_ATTEMPTS = 10;
const db = e2eDb();
let instances: RunningServer[] = [];
const users: TestUser[] = [];
const throttleRowKeys: string[] = [];

beforeAll(async () => {
  const env = ownServerEnv({
    AUTH_SIGNIN_MAX_FAILURES: String(MAX_FAILURES),
    AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: String(ADDRESS_MAX_ATTEMPTS),
    AUTH_SIGNIN_WINDOW_SECONDS: "900",
    AUTH_SIGNIN_LOCKOUT_SECONDS: "900",
    // The bursts are about the throttle: the hashing queue's own bounds per client and per account would answer
    // most of them "busy" first (integration hashing-flood.test.ts).
    AUTH_HASH_QUEUE_MAX: "1000",
    AUTH_HASH_CLIENT_MAX: "1000",
    AUTH_HASH_ACCOUNT_MAX: "1000",
  });
  instances = await Promise.all([startServer(env), startServer(env)]);
  // Each instance signs someone in once first, so the burst meets two warm instances (loaded routes, open
  // database pools) rather than one that happens to be ready sooner.
  const warmUp = await newUser("warm-up");
  for (const [i, instance] of instances.entries()) {
    const answer = await (
      await preparedAttempt(instance, warmUp.email, warmUp.password, `203.0.113.${220 + i}`)
    ).send();
    expect(answer.outcome).toBe("signed-in");
    throttleRowKeys.push(throttleKeys.address(`203.0.113.${220 + i}`));
  }
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  for (const user of users) await deleteTestUser(db, user);
  await db.signInThrottle.deleteMany({ where: { key: { in: throttleRowKeys } } });
  await db.$disconnect();
});

async function newUser(label: string): Promise<TestUser> {
  const user = await createTestUser(db, `throttle-${label}`);
  users.push(user);
  throttleRowKeys.push(throttleKeys.account(user.email));
  return user;
}

type Outcome = "signed-in" | "wrong" | "rate-limited" | `unexpected ${number} ${string}`;

/** What a credentials-callback answer says, from its status and the Location Auth.js redirects to. */
function outcomeOf(response: Response): Outcome {
  const location = response.headers.get("location") ?? "";
  if (response.status === 302 && location) {
    const url = new URL(location);
    const error = url.searchParams.get("error");
    const code = url.searchParams.get("code");
    if (!error && url.pathname === "/dashboard") return "signed-in";
    if (error === "CredentialsSignin" && code === "credentials") return "wrong";
    if (error === "CredentialsSignin" && code === "rate_limited") return "rate-limited";
  }
  return `unexpected ${response.status} ${location}`;
}

/** One sign-in attempt from its own browser (cookie jar) and address; the CSRF round trip is done before `send`. */
async function preparedAttempt(instance: RunningServer, email: string, password: string, address: string) {
  const client = new HttpClient(instance.url);
  const csrfToken = await client.csrfToken();
  return {
    instance,
    send: async () => {
      const response = await client.fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "x-forwarded-for": address },
        form: { csrfToken, email, password, callbackUrl: "/dashboard" },
      });
      return { outcome: outcomeOf(response), instance };
    },
  };
}

const tally = (outcomes: Outcome[]) => ({
  evaluated: outcomes.filter((o) => o === "wrong" || o === "signed-in").length,
  rateLimited: outcomes.filter((o) => o === "rate-limited").length,
  other: outcomes.filter((o) => o.startsWith("unexpected")),
});

async function throttleRow(key: string) {
  return db.signInThrottle.findUnique({ where: { key } });
}

function dumpServers() {
  for (const [i, instance] of instances.entries())
    console.error(`--- instance ${i} output ---\n${instance.output().slice(-3000)}`);
}

describe(`sign-in throttle across two instances on one ${provider} database (${strategy})`, () => {
  it(`40 simultaneous wrong passwords from 40 addresses over both instances: at most ${MAX_FAILURES} are evaluated, and the right password sent mid-burst is refused`, async () => {
    const victim = await newUser("burst");
    const accountKey = throttleKeys.account(victim.email);
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        preparedAttempt(instances[i % 2], victim.email, `wrong-${i}`, `198.51.100.${i + 1}`),
      ),
    );
    // The owner's own attempt, ready on the instance the 21st guess goes to.
    const owner = await preparedAttempt(instances[0], victim.email, victim.password, "203.0.113.200");

    // The owner's attempt goes out as soon as one answer shows the limit is reached (a refusal, or the last
    // evaluated guess), while the rest of the burst is still in flight. Sending it blindly with the burst would
    // let it race for one of the first slots, and a success clears the counter (by design), so the outcome would
    // be down to scheduling rather than the throttle.
    let answered = 0;
    let wrongSoFar = 0;
    let ownerSent: Promise<{ outcome: Outcome; instance: RunningServer }> | undefined;
    let inFlightWhenOwnerSent = 0;
    const burst = attempts.map((attempt) =>
      attempt.send().then((answer) => {
        answered++;
        if (answer.outcome === "wrong") wrongSoFar++;
        if (!ownerSent && (answer.outcome === "rate-limited" || wrongSoFar === MAX_FAILURES)) {
          inFlightWhenOwnerSent = attempts.length - answered;
          ownerSent = owner.send();
        }
        return answer;
      }),
    );
    const answers = await Promise.all(burst);
    expect(ownerSent, "no answer showed the limit reached").toBeDefined();
    const ownerAnswer = await ownerSent!;

    const counts = tally(answers.map((a) => a.outcome));
    const perInstance = instances.map((instance) =>
      tally(answers.filter((a) => a.instance === instance).map((a) => a.outcome)),
    );
    const rowAfterBurst = await throttleRow(accountKey);
    console.log(
      `[throttle ${provider}/${strategy}] 40 concurrent wrong guesses over 2 instances: ${counts.evaluated} evaluated, ` +
        `${counts.rateLimited} rate limited (instance A ${perInstance[0].evaluated}/${perInstance[0].rateLimited}, ` +
        `instance B ${perInstance[1].evaluated}/${perInstance[1].rateLimited}); right password sent with ${inFlightWhenOwnerSent} ` +
        `guesses in flight: ${ownerAnswer.outcome}; SignInThrottle failures=${rowAfterBurst?.failures}`,
    );
    if (counts.other.length) dumpServers();

    expect(counts.other, "answers that are neither 'wrong credentials' nor 'rate limited' (5xx, errors)").toEqual([]);
    expect(counts.evaluated).toBeLessThanOrEqual(MAX_FAILURES);
    // No success clears the counter in this burst, so exactly the first MAX_FAILURES reservations are evaluated.
    expect(counts.evaluated).toBe(MAX_FAILURES);
    expect(counts.rateLimited).toBe(40 - MAX_FAILURES);
    expect(ownerAnswer.outcome).toBe("rate-limited");
    // Every attempt reserved its slot in the one shared row, evaluated or not: 40 guesses + the owner's.
    expect(rowAfterBurst).toMatchObject({ failures: 41 });
    expect(rowAfterBurst!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());

    // After the burst the account stays locked on both instances, even for the right password from a new address.
    for (const [i, instance] of instances.entries()) {
      const later = await (
        await preparedAttempt(instance, victim.email, victim.password, `203.0.113.${210 + i}`)
      ).send();
      expect(later.outcome).toBe("rate-limited");
    }
    expect(await throttleRow(accountKey)).toMatchObject({ failures: 43 });
    expect(await db.session.count({ where: { userId: victim.id } })).toBe(0);
    for (let i = 1; i <= 40; i++) throttleRowKeys.push(throttleKeys.address(`198.51.100.${i}`));
    throttleRowKeys.push(...["203.0.113.200", "203.0.113.210", "203.0.113.211"].map(throttleKeys.address));
  });

  it(`one address spraying 30 accounts at once over both instances is stopped by the address limit (${ADDRESS_MAX_ATTEMPTS}), not the account limit`, async () => {
    const sprayed = await Promise.all(Array.from({ length: 30 }, (_, i) => newUser(`spray${i}`)));
    const address = "203.0.113.77";
    const addressKey = throttleKeys.address(address);
    throttleRowKeys.push(addressKey, throttleKeys.address("203.0.113.78"));
    const attempts = await Promise.all(
      sprayed.map((user, i) => preparedAttempt(instances[i % 2], user.email, "Summer2024!", address)),
    );
    const answers = await Promise.all(attempts.map((attempt) => attempt.send()));

    const counts = tally(answers.map((a) => a.outcome));
    const addressRow = await throttleRow(addressKey);
    const accountRows = await db.signInThrottle.findMany({
      where: { key: { in: sprayed.map((u) => throttleKeys.account(u.email)) } },
    });
    const accountFailures = accountRows.reduce((sum, row) => sum + row.failures, 0);
    console.log(
      `[throttle ${provider}/${strategy}] 30 accounts sprayed at once from one address over 2 instances: ${counts.evaluated} evaluated, ` +
        `${counts.rateLimited} rate limited; address row failures=${addressRow?.failures}, ` +
        `account rows' failures summed=${accountFailures}`,
    );
    if (counts.other.length) dumpServers();

    expect(counts.other).toEqual([]);
    // Each account saw one guess (far below its limit of 5): only the address limit can have refused the rest.
    expect(counts.evaluated).toBe(ADDRESS_MAX_ATTEMPTS);
    expect(counts.rateLimited).toBe(30 - ADDRESS_MAX_ATTEMPTS);
    expect(addressRow).toMatchObject({ failures: 30 });
    expect(addressRow!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // A guess the address refused gives its account reservation back: the accounts only count evaluated guesses.
    expect(accountFailures).toBe(ADDRESS_MAX_ATTEMPTS);

    // The address stays refused even with a right password; the account itself is not locked from elsewhere.
    const owner = sprayed[29];
    expect((await (await preparedAttempt(instances[0], owner.email, owner.password, address)).send()).outcome).toBe(
      "rate-limited",
    );
    expect(
      (await (await preparedAttempt(instances[1], owner.email, owner.password, "203.0.113.78")).send()).outcome,
    ).toBe("signed-in");
  });
});
