"use client";

import { useEffect, useRef, useState } from "react";
import { personalPasswordInputs, STRENGTH_LABELS, type StrengthEstimate } from "@/lib/password-strength-rules";

// Advice while typing a new password: a bar, a label and zxcvbn's feedback. The server's check at submit is the
// one that counts. The estimator and its dictionaries are fetched on first use (focus or typing), so pages that
// show no meter, and these pages until then, load none of it.

type Estimate = (password: string, userInputs: string[]) => StrengthEstimate;
let estimatorLoad: Promise<Estimate> | undefined;
let loadedEstimator: Estimate | undefined;
function loadEstimator(): Promise<Estimate> {
  estimatorLoad ??= import("./password-strength-estimator").then(
    (estimator) => (loadedEstimator = estimator.estimatePasswordStrength),
    (error: unknown) => {
      estimatorLoad = undefined; // let a later keystroke try again
      throw error;
    },
  );
  return estimatorLoad;
}

type MeterState =
  { status: "empty" } | { status: "loading" } | { status: "failed" } | ({ status: "rated" } & StrengthEstimate);

const BAR_COLORS = ["bg-rose-500", "bg-rose-400", "bg-amber-400", "bg-emerald-500", "bg-emerald-600"] as const;
const LABEL_COLORS = [
  "text-rose-700 dark:text-rose-300",
  "text-rose-700 dark:text-rose-300",
  "text-amber-800 dark:text-amber-300",
  "text-emerald-700 dark:text-emerald-300",
  "text-emerald-700 dark:text-emerald-300",
] as const;
const TYPING_PAUSE_MS = 150;

export function PasswordStrengthMeter({
  passwordField,
  emailField,
  nameField,
  email,
  name,
}: {
  /** The name of the password input in the same form. */
  passwordField: string;
  /** Inputs of the same form whose values count as the user's own details (registration)… */
  emailField?: string;
  nameField?: string;
  /** …or those details directly (a signed-in user). */
  email?: string | null;
  name?: string | null;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<MeterState>({ status: "empty" });

  useEffect(() => {
    const form = ref.current?.closest("form");
    if (!form) return;
    const value = (field?: string) => {
      const input = field ? form.elements.namedItem(field) : null;
      return input instanceof HTMLInputElement ? input.value : "";
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest = 0;
    const rate = async () => {
      const run = ++latest;
      const password = value(passwordField);
      if (!password) return setState({ status: "empty" });
      const personal = personalPasswordInputs({
        email: emailField ? value(emailField) : email,
        name: nameField ? value(nameField) : name,
      });
      try {
        if (!loadedEstimator) setState({ status: "loading" });
        const estimate = loadedEstimator ?? (await loadEstimator());
        if (run === latest) setState({ status: "rated", ...estimate(password, personal) });
      } catch {
        if (run === latest) setState({ status: "failed" });
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(rate, TYPING_PAUSE_MS);
    };
    const prefetch = (event: FocusEvent) => {
      if ((event.target as HTMLInputElement | null)?.name === passwordField) loadEstimator().catch(() => undefined);
    };
    form.addEventListener("input", schedule);
    form.addEventListener("reset", schedule); // React resets the form after an action; rated after the reset
    form.addEventListener("focusin", prefetch);
    return () => {
      clearTimeout(timer);
      latest++;
      form.removeEventListener("input", schedule);
      form.removeEventListener("reset", schedule);
      form.removeEventListener("focusin", prefetch);
    };
  }, [passwordField, emailField, nameField, email, name]);

  const score = state.status === "rated" ? state.score : null;
  const label = score === null ? "not rated yet" : STRENGTH_LABELS[score];
  const advice = state.status === "rated" ? [state.warning, ...state.suggestions].filter(Boolean).join(" ") : "";
  return (
    <div ref={ref} className="flex flex-col gap-1.5" data-testid="password-strength">
      <div
        role="meter"
        aria-label="Password strength"
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={score ?? 0}
        aria-valuetext={label}
        data-score={score ?? ""}
        className="flex gap-1"
      >
        {STRENGTH_LABELS.map((segment, i) => (
          <span
            key={segment}
            className={`h-1.5 flex-1 rounded-full transition-colors ${score !== null && i <= score ? BAR_COLORS[score] : "bg-border"}`}
          />
        ))}
      </div>
      <p aria-live="polite" className="min-h-4 text-xs text-muted-foreground" data-testid="password-strength-text">
        {state.status === "loading" ? "Rating your password…" : null}
        {state.status === "failed"
          ? "The strength meter could not load; your password is still checked when you submit."
          : null}
        {score !== null ? (
          <>
            <span className={`font-medium ${LABEL_COLORS[score]}`}>Strength: {STRENGTH_LABELS[score]}.</span>
            {advice ? ` ${advice}` : null}
          </>
        ) : null}
      </p>
    </div>
  );
}
