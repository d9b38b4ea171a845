import type { z } from "zod";
import { reserveCreation, tooManySignUpsMessage, type AddressLimit } from "./address-limits";
import type { Db } from "./db";
import {
  admitPasswordWork,
  hashPassword,
  isPasswordPoolBusy,
  passwordWorkRetryAfterSeconds,
  serverBusyMessage,
} from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { DEFAULT_ROLE } from "./permissions";
import { registrationSchema } from "./validation";

/** POST /api/register reads at most this much: far above any valid name + email + password (~500 bytes). */
export const REGISTER_BODY_MAX_BYTES = 16 * 1024;

type RegistrationResult =
  | { status: "created"; userId: string; email: string }
  /** The address has an account already: nothing was created. Callers decide what the person asking may learn. */
  | { status: "exists"; userId: string; email: string; active: boolean }
  | { status: "error"; reason: "invalid"; message: string; fieldErrors?: Partial<Record<string, string[]>> }
  | {
      status: "error";
      reason: "rate_limited" | "busy";
      message: string;
      fieldErrors?: undefined;
      retryAfterSeconds: number;
    };

type RegistrationValidation =
  | { ok: true; data: z.output<typeof registrationSchema> }
  | { ok: false; fieldErrors: Partial<Record<string, string[]>> };

/**
 * The field rules, then (only for otherwise valid input) the password's strength against the name and email.
 * No database work. Throws PasswordPoolBusyError (see isPasswordPoolBusy) when too many strength checks are queued.
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

async function existingAccount(db: Db, email: string) {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, active: true } });
  return user ? { status: "exists" as const, userId: user.id, email: user.email, active: user.active } : null;
}

function busy(retryAfterSeconds: number): RegistrationResult {
  return { status: "error", reason: "busy", message: serverBusyMessage(retryAfterSeconds), retryAfterSeconds };
}

/**
 * Creates a user with the default role. Invalid input and existing emails change nothing. `addressLimit`
 * (registrationLimit(clientIp, max)) counts every valid attempt against the client address before any lookup, so
 * concurrent sign-ups cannot pass it and probing which emails exist counts too. The password is hashed before the
 * lookup, so an existing address costs the same time as a new one. `client` (clientIp()) bounds the hashing one
 * client address may queue; a sign-up refused as busy was not counted against the address.
 */
export async function registerUser(
  db: Db,
  input: unknown,
  cost: number,
  addressLimit: AddressLimit | null = null,
  client: string | null = null,
): Promise<RegistrationResult> {
  let valid: RegistrationValidation;
  try {
    valid = await validateRegistration(input);
  } catch (error) {
    if (!isPasswordPoolBusy(error)) throw error;
    return busy(error.retryAfterSeconds);
  }
  if (!valid.ok)
    return {
      status: "error",
      reason: "invalid",
      message: "Please fix the highlighted fields.",
      fieldErrors: valid.fieldErrors,
    };
  const { name, email, password } = valid.data;
  const ticket = admitPasswordWork({ client, account: email });
  if (!ticket) return busy(passwordWorkRetryAfterSeconds());
  let passwordHash: string;
  try {
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
    passwordHash = await hashPassword(password, cost, ticket); // never refused: the ticket holds its slot
  } finally {
    ticket.release();
  }
  const found = await existingAccount(db, email);
  if (found) return found;
  try {
    const user = await db.user.create({
      data: { name, email, passwordHash, roleName: DEFAULT_ROLE },
      select: { id: true, email: true },
    });
    return { status: "created", userId: user.id, email: user.email };
  } catch (error) {
    // Lost a race with a concurrent registration of the same address.
    const winner = isUniqueViolation(error) ? await existingAccount(db, email) : null;
    if (winner) return winner;
    throw error;
  }
}
