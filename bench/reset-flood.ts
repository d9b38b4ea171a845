import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseProvider } from "../lib/database-url";
import { projectRoot } from "../harness/databases";
import { eventually } from "../harness/eventually";
import { harnessMailbox } from "../harness/mail-catcher";
import type { RunningServer } from "../harness/server";
import { BENCH_USER, type BenchDatabases } from "./databases";
import { log } from "./log";
import { startBenchServer, whileServing } from "./routes";
import { BENCH_DIST_DIR, type BenchSettings } from "./settings";
import { round, summarize, type LatencySummary } from "./stats";
import { tableText } from "./table";

// Can a flood of "forgot password" requests for addresses without an account starve a real one? Many clients post
// the forgot-password form for made-up addresses, each a new one, through the app's server action as a browser
// does; halfway through, the owner of the demo account asks for a link. Measured: the flood's rate and answer
// times, how long the owner waits for the mail at the harness's SMTP catcher, and what /api/health and the
// server's log say was dropped.

export type ResetFloodRun = {
  provider: DatabaseProvider;
  connections: number;
  seconds: number;
  requests: number;
  failures: number;
  answers: LatencySummary;
  ownerAnswerMs: number;
  /** From the owner's request, and from its answer, to the mail's arrival; null when it never came. */
  ownerMailMs: number | null;
  ownerMailAfterAnswerMs: number | null;
  /** /api/health's count after the flood (null: the server does not report it), and the server's drop log lines. */
  droppedByHealth: number | null;
  dropLogLines: number;
  /** Mail that went to a made-up address (must be 0). */
  strayMails: number;
};

export function resetFloodSettings(mode: BenchSettings["mode"]) {
  return { connections: 80, seconds: mode === "quick" ? 4 : 10, mailWaitSeconds: 60 };
}

/** The id of forgotPasswordAction in the build (Next's manifest), as a browser's form sends it. */
function forgotPasswordActionId(): string {
  const manifestPath = join(projectRoot, BENCH_DIST_DIR, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const id = Object.entries(manifest.node).find(([, action]) => action.exportedName === "forgotPasswordAction")?.[0];
  if (!id) throw new Error(`reset-flood: no forgotPasswordAction in ${manifestPath}`);
  return id;
}

const BOUNDARY = "----reset-flood-boundary";

/** What React's form action sends: the form's fields as "_1_…", and the arguments (state, the form) as "0". */
function actionBody(email: string): string {
  const part = (name: string, value: string) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return `${part("_1_email", email)}${part("0", '[{"status":"idle"},"$K1"]')}--${BOUNDARY}--\r\n`;
}

function forgotPassword(server: RunningServer, actionId: string) {
  return async (email: string): Promise<{ ok: boolean; ms: number; answer: string }> => {
    const started = performance.now();
    const response = await fetch(`${server.url}/forgot-password`, {
      method: "POST",
      headers: {
        "next-action": actionId,
        origin: server.url,
        accept: "text/x-component",
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      },
      body: actionBody(email),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    // The answer every address gets; a refusal (rate limit, bad form) would make the flood cheap.
    const ok = response.status === 200 && text.includes("If an account uses");
    return { ok, ms: performance.now() - started, answer: `HTTP ${response.status}: ${text.slice(0, 300)}` };
  };
}

export async function benchResetFlood(
  databases: BenchDatabases,
  provider: DatabaseProvider,
  settings: BenchSettings,
): Promise<ResetFloodRun> {
  const { connections, seconds, mailWaitSeconds } = resetFloodSettings(settings.mode);
  const database = await databases.create(provider, settings.bcryptCost);
  try {
    const server = await startBenchServer(database, { strategy: "database" }, settings);
    return whileServing(server, provider, async () => {
      const ask = forgotPassword(server, forgotPasswordActionId());
      const mailbox = await harnessMailbox();
      const owner = BENCH_USER.email;
      const nobody = (n: number) => `flood-${provider}-${n}@example.com`;
      const probe = await ask(nobody(-1));
      if (!probe.ok) throw new Error(`reset-flood: the forgot-password action answered ${probe.answer}`);

      log(`  ${connections} clients asking for unknown addresses for ${seconds} s; the owner asks at ${seconds / 2} s`);
      const answerMs: number[] = [];
      let failures = 0;
      let next = 0;
      const started = performance.now();
      const until = started + seconds * 1000;
      const client = async () => {
        while (performance.now() < until) {
          const answer = await ask(nobody(next++)).catch(() => ({ ok: false, ms: 0 }));
          if (answer.ok) answerMs.push(answer.ms);
          else failures++;
        }
      };
      const ownerAsks = async () => {
        await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2));
        const askedAt = Date.now();
        const answer = await ask(owner);
        if (!answer.ok) throw new Error("reset-flood: the owner's request was refused");
        const mail = await eventually(
          async () =>
            (await mailbox.messages()).find(
              (message) => message.to.includes(owner) && Date.parse(message.receivedAt) >= askedAt,
            ),
          Boolean,
          mailWaitSeconds * 1000,
        );
        const arrived = mail ? Date.parse(mail.receivedAt) : null;
        return {
          answerMs: answer.ms,
          mailMs: arrived && arrived - askedAt,
          mailAfterAnswerMs: arrived && arrived - askedAt - answer.ms,
        };
      };
      const flood = Promise.all(Array.from({ length: connections }, client)).then(
        () => (performance.now() - started) / 1000,
      );
      const [ownerResult, flooded] = await Promise.all([ownerAsks(), flood]);

      const health = (await (await fetch(`${server.url}/api/health`)).json()) as { mail?: { dropped: number } };
      const strayMails = (await mailbox.messages()).filter((m) =>
        m.to.some((to) => to.startsWith(`flood-${provider}-`)),
      );
      return {
        provider,
        connections,
        seconds: flooded,
        requests: answerMs.length,
        failures,
        answers: summarize(answerMs),
        ownerAnswerMs: ownerResult.answerMs,
        ownerMailMs: ownerResult.mailMs,
        ownerMailAfterAnswerMs: ownerResult.mailAfterAnswerMs,
        droppedByHealth: health.mail?.dropped ?? null,
        dropLogLines: server.output().match(/^\[mail\].*dropped/gm)?.length ?? 0,
        strayMails: strayMails.length,
      };
    });
  } finally {
    await database.drop();
  }
}

export function resetFloodText(runs: ResetFloodRun[]): string {
  return tableText({
    title: `Forgot-password flood: ${runs[0]!.connections} clients asking for unknown addresses, the owner asks halfway`,
    headers: [
      "database",
      "flood req/s",
      "answer p50 / p99 ms",
      "failed",
      "owner's answer ms",
      "owner's mail after (after the answer)",
      "dropped (/api/health)",
      "drop log lines",
      "mail to unknown",
    ],
    rows: runs.map((run) => [
      run.provider,
      String(round(run.requests / run.seconds, 0)),
      `${round(run.answers.p50)} / ${round(run.answers.p99)}`,
      String(run.failures),
      String(round(run.ownerAnswerMs)),
      run.ownerMailMs === null
        ? "never"
        : `${round(run.ownerMailMs / 1000, 2)} s (${round(run.ownerMailAfterAnswerMs! / 1000, 2)} s)`,
      run.droppedByHealth === null ? "not reported" : String(run.droppedByHealth),
      String(run.dropLogLines),
      String(run.strayMails),
    ]),
    notes: ["Target: the owner's mail within 5 s, nothing dropped, no mail to an unknown address."],
  });
}
