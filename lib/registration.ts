import type { Db } from "./db";
import { hashPassword, PasswordPoolBusyError } from "./password";
import { DEFAULT_ROLE } from "./permissions";
import { registrationSchema } from "./validation";

/** POST /api/register reads at most this much: far above any valid name + email + password (~500 bytes). */
export const REGISTER_BODY_MAX_BYTES = 16 * 1024;

export type RegistrationResult =
  | { status: "created"; userId: string; email: string }
  | { status: "error"; reason: "invalid" | "duplicate" | "busy"; message: string; fieldErrors?: Partial<Record<string, string[]>> };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** Creates a user with the default role. Invalid input and existing emails change nothing. */
export async function registerUser(db: Db, input: unknown, cost: number): Promise<RegistrationResult> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<string, string[]>> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "form");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    return { status: "error", reason: "invalid", message: "Please fix the highlighted fields.", fieldErrors };
  }
  const { name, email, password } = parsed.data;
  const duplicate = {
    status: "error" as const,
    reason: "duplicate" as const,
    message: "An account with this email already exists. Sign in instead.",
    fieldErrors: { email: ["An account with this email already exists."] },
  };
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return duplicate;
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(password, cost);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return { status: "error", reason: "busy", message: "The server is busy right now. Please try again in a few seconds." };
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
