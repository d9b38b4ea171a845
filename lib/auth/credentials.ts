import type { Db } from "../db";
import { bcryptCost, dummyHash, hashPassword, verifyPassword } from "../password";
import { credentialsSchema } from "../validation";

export type AuthorizedUser = { id: string; email: string; name: string | null };

/**
 * Checks an email + password. Unknown emails, disabled users and wrong passwords all return null after
 * the same bcrypt work, so neither the answer nor its timing says whether the email exists.
 */
export async function authorizeCredentials(db: Db, input: unknown, cost: number): Promise<AuthorizedUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true },
  });
  const hash = user?.passwordHash ?? (await dummyHash(cost));
  const valid = await verifyPassword(password, hash);
  if (!user || !user.passwordHash || !valid || !user.active) return null;

  if (bcryptCost(user.passwordHash) !== cost) {
    // The configured cost changed since this hash was made: upgrade it while we know the password.
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password, cost) } });
  }
  return { id: user.id, email: user.email, name: user.name };
}
