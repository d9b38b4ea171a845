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

type Job = { id: number; op: "hash" | "compare" | "compare-at-cost"; a: string; b: string | number; c?: number };

/** Thrown instead of queueing when the pool already holds its maximum of jobs: the caller answers "busy". */
export class PasswordPoolBusyError extends Error {
  constructor() {
    super("Too many password checks are queued; try again shortly.");
    this.name = "PasswordPoolBusyError";
  }
}
type Pending = { resolve: (value: string | boolean) => void; reject: (error: Error) => void; worker: PoolWorker };
type PoolWorker = { worker: Worker; busy: number };

function bcryptPath(): string {
  // Resolved at run time from the project, not at build time (bcryptjs is a server external package).
  return createRequire(join(process.cwd(), "package.json")).resolve("bcryptjs");
}

export class PasswordPool {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly size: number,
    private readonly maxJobs = Infinity,
  ) {}

  /** Whether a job submitted now would be refused (checked before work that should not start when it would). */
  get saturated(): boolean {
    return this.pending.size >= this.maxJobs;
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = {
      worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: bcryptPath() } }),
      busy: 0,
    };
    entry.worker.unref(); // never keep a script or test process alive
    entry.worker.on("message", ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
      const job = this.pending.get(id);
      if (!job) return;
      this.pending.delete(id);
      job.worker.busy--;
      if (error) job.reject(new Error(error));
      else job.resolve(value!);
    });
    entry.worker.on("error", (error) => this.fail(entry, error));
    entry.worker.on("exit", (code) => this.fail(entry, new Error(`password worker exited with code ${code}`)));
    return entry;
  }

  private fail(entry: PoolWorker, error: Error) {
    const index = this.workers.indexOf(entry);
    if (index >= 0) this.workers.splice(index, 1);
    for (const [id, job] of this.pending) {
      if (job.worker === entry) {
        this.pending.delete(id);
        job.reject(error);
      }
    }
  }

  private pick(): PoolWorker {
    const idle = this.workers.find((w) => w.busy === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) {
      const created = this.spawn();
      this.workers.push(created);
      return created;
    }
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  run(op: Job["op"], a: string, b: string | number, c?: number): Promise<string | boolean> {
    // A bound on queued work: past it a flood of sign-ins is refused at once instead of making everyone wait.
    if (this.saturated) return Promise.reject(new PasswordPoolBusyError());
    const worker = this.pick();
    const id = this.nextId++;
    worker.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.worker.ref(); // keep the process alive while a job is in flight
      worker.worker.postMessage({ id, op, a, b, c } satisfies Job);
    }).finally(() => {
      if (worker.busy === 0) worker.worker.unref();
    }) as Promise<string | boolean>;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }
}
