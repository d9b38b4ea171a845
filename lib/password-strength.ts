import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { getEnv } from "./env";
import { PasswordPoolBusyError } from "./password";
import {
  personalPasswordInputs,
  STRENGTH_ESTIMATOR_LIMITS,
  STRENGTH_WARNING_OVERRIDES,
  weakPasswordMessage,
  type StrengthEstimate,
} from "./password-strength-rules";

// New passwords are rated with zxcvbn-ts against its lists of common passwords, words and names and the user's own
// details (ASVS 6.2.4, 6.2.12). It runs in one worker thread of its own: a check takes milliseconds to tens of
// milliseconds of CPU, which would otherwise stall every other request, and the dictionaries (loaded once, when the
// first check arrives) stay out of the server bundle and the main thread's heap. Like the bcrypt worker it is
// plain CommonJS evaluated from a string that loads the packages from node_modules.

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { ZxcvbnFactory } = require(workerData.paths.core);
const common = require(workerData.paths.common);
const en = require(workerData.paths.en);
const zxcvbn = new ZxcvbnFactory({
  ...workerData.limits,
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: { ...en.translations, warnings: { ...en.translations.warnings, ...workerData.warnings } },
});
parentPort.on("message", ({ id, password, userInputs }) => {
  try {
    const { score, feedback } = zxcvbn.check(password, userInputs);
    parentPort.postMessage({ id, value: { score, warning: feedback.warning, suggestions: feedback.suggestions } });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

type Pending = { resolve: (value: StrengthEstimate) => void; reject: (error: Error) => void };
type Estimator = { worker: Worker; pending: Map<number, Pending>; nextId: number };

function packagePaths() {
  // Resolved at run time from the project, like bcryptjs: nothing of zxcvbn is bundled into the server.
  const require = createRequire(join(process.cwd(), "package.json"));
  return {
    core: require.resolve("@zxcvbn-ts/core"),
    common: require.resolve("@zxcvbn-ts/language-common"),
    en: require.resolve("@zxcvbn-ts/language-en"),
  };
}

const globalForEstimator = globalThis as unknown as { __passwordStrengthEstimator?: Estimator };

function estimator(): Estimator {
  if (globalForEstimator.__passwordStrengthEstimator) return globalForEstimator.__passwordStrengthEstimator;
  const workerData = { paths: packagePaths(), limits: STRENGTH_ESTIMATOR_LIMITS, warnings: STRENGTH_WARNING_OVERRIDES };
  const entry: Estimator = {
    worker: new Worker(WORKER_SOURCE, { eval: true, workerData }),
    pending: new Map(),
    nextId: 1,
  };
  entry.worker.unref(); // never keep a script or test process alive
  entry.worker.on("message", ({ id, value, error }: { id: number; value?: StrengthEstimate; error?: string }) => {
    const job = entry.pending.get(id);
    if (!job) return;
    entry.pending.delete(id);
    if (entry.pending.size === 0) entry.worker.unref();
    if (error) job.reject(new Error(error));
    else job.resolve(value!);
  });
  const fail = (error: Error) => {
    if (globalForEstimator.__passwordStrengthEstimator === entry) delete globalForEstimator.__passwordStrengthEstimator; // the next check starts a new one
    for (const job of entry.pending.values()) job.reject(error);
    entry.pending.clear();
  };
  entry.worker.on("error", fail);
  entry.worker.on("exit", (code) => fail(new Error(`password strength worker exited with code ${code}`)));
  globalForEstimator.__passwordStrengthEstimator = entry;
  return entry;
}

/** zxcvbn's rating of `password`; `userInputs` are words that make it weaker (see personalPasswordInputs). */
export function estimatePasswordStrength(password: string, userInputs: string[] = []): Promise<StrengthEstimate> {
  const entry = estimator();
  // Bounded like the bcrypt queue (same setting): past it the caller answers "busy" instead of queueing.
  if (entry.pending.size >= Math.max(1, Number(process.env.AUTH_HASH_QUEUE_MAX) || 32))
    return Promise.reject(new PasswordPoolBusyError());
  const id = entry.nextId++;
  return new Promise((resolve, reject) => {
    entry.pending.set(id, { resolve, reject });
    entry.worker.ref(); // keep the process alive while a check is in flight
    entry.worker.postMessage({ id, password, userInputs });
  });
}

/**
 * The field message when a new password is below `minScore` (AUTH_PASSWORD_MIN_SCORE), or null when it is strong
 * enough. Throws PasswordPoolBusyError when too many checks are queued.
 */
export async function newPasswordStrengthError(
  password: string,
  personal: { email?: string | null; name?: string | null },
  minScore: number = getEnv().AUTH_PASSWORD_MIN_SCORE,
): Promise<string | null> {
  const estimate = await estimatePasswordStrength(password, personalPasswordInputs(personal));
  return estimate.score >= minScore ? null : weakPasswordMessage(estimate);
}
