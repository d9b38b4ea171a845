import type { z } from "zod";
import { refundCreation, reserveCreation, tooManySignUpsMessage, type AddressLimit } from "./address-limits";
import type { Db } from "./db";
import { hashPassword, PasswordPoolBusyError } from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { DEFAULT_ROLE } from "./permissions";
import { registrationSchema } from "./validation";

/** POST /api/register reads at most this much: far above any valid name + email + password (~500 bytes). */
export const REGISTER_BODY_MAX_BYTES = 16 * 1024;

type RegistrationResult =
  | { status: "created"; userId: string; email: string }
  | {
      status: "error";
      reason: "invalid" | "duplicate" | "busy";
      message: string;
      fieldErrors?: Partial<Record<string, string[]>>;
    }
  | { status: "error"; reason: "rate_limited"; message: string; fieldErrors?: undefined; retryAfterSeconds: number };

type RegistrationValidation =
  | { ok: true; data: z.output<typeof registrationSchema> }
  | { ok: false; fieldErrors: Partial<Record<string, string[]>> };

/**
 * The field rules, then (only for otherwise valid input) the password's strength against the name and email.
 * No database work. Throws PasswordPoolBusyError when too many strength checks are queued.
 */
export async function validateRegistration(input: unknown): Promise<RegistrationValidation> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<string, string[]>> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    return { ok: false, fieldErrors };
  }
  const weak = await newPasswordStrengthError(parsed.data.password, parsed.data);
  return weak ? { ok: false, fieldErrors: { password: [weak] } } : { ok: true, data: parsed.data };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/**
 * Creates a user with the default role. Invalid input and existing emails change nothing. `addressLimit`
 * (registrationLimit(clientIp, max)) counts every valid attempt against the client address before any lookup, so
 * concurrent sign-ups cannot pass it and probing which emails exist counts too.
 */
export async function registerUser(
  db: Db,
  input: unknown,
  cost: number,
  addressLimit: AddressLimit | null = null,
): Promise<RegistrationResult> {
  let valid: RegistrationValidation;
  try {
    valid = await validateRegistration(input);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return {
      status: "error",
      reason: "busy",
      message: "The server is busy right now. Please try again in a few seconds.",
    };
  }
  if (!valid.ok)
    return {
      status: "error",
      reason: "invalid",
      message: "Please fix the highlighted fields.",
      fieldErrors: valid.fieldErrors,
    };
  const { name, email, password } = valid.data;
  const duplicate = {
    status: "error" as const,
    reason: "duplicate" as const,
    message: "An account with this email already exists. Sign in instead.",
    fieldErrors: { email: ["An account with this email already exists."] },
  };
  const reservation = await reserveCreation(db, addressLimit);
  if (!reservation.ok) {
    const { retryAfterSeconds } = reservation;
    return {
      status: "error",
      reason: "rate_limited",
      message: tooManySignUpsMessage(retryAfterSeconds),
      retryAfterSeconds,
    };
  }
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return duplicate;
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(password, cost);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    await refundCreation(db, addressLimit); // nothing was created
    return {
      status: "error",
      reason: "busy",
      message: "The server is busy right now. Please try again in a few seconds.",
    };
  }
  try {
    const user = await db.user.create({
      data: { name, email, passwordHash, roleName: DEFAULT_ROLE },
      select: { id: true, email: true },
    });
    return { status: "created", userId: user.id, email: user.email };
  } catch (error) {
    if (isUniqueViolation(error)) return duplicate; // lost a race with a concurrent registration
    throw error;
  }
}
