import type { CookieDecryptionResult } from "./cookie-decryption";
import type { FeedResult } from "./feed";
import type { MachineInfo } from "./machine";
import type { PurgeRun } from "./purge";
import type { ServerRun } from "./routes";
import type { ScaleResult } from "./scale";
import type { BenchSettings, TARGETS } from "./settings";
import type { EventLoopResult, SignInThroughput } from "./sign-in";

// Everything one run measured: written to bench/results.json and rendered into docs/benchmarks.md.
export type BenchResults = {
  generatedAt: string;
  mode: BenchSettings["mode"];
  /** git commit of the measured source (absent in results from before this was recorded). */
  source?: string | null;
  durationSeconds: number;
  phaseSeconds: Record<string, number>;
  machine: MachineInfo & { loadAverageAtEnd: number[] };
  settings: BenchSettings;
  targets: typeof TARGETS;
  servers: ServerRun[];
  signIn: { eventLoop?: EventLoopResult; throughput?: SignInThroughput };
  scale: ScaleResult[];
  purge: PurgeRun[];
  /** Absent in results from before this was measured. */
  cookieDecryption?: CookieDecryptionResult;
  /** Absent in results from before this was measured. */
  feed?: FeedResult;
  problems: string[];
};
