import { z } from "zod";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, passwordByteLength } from "./password";

// Form and credential input. Limits are checked before any database work or hashing.
const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;

export const emailSchema = z
  .string({ message: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email({ message: "Enter a valid email address" }))
  .transform((email) => email.toLowerCase());

// A password that is stored must be one the user can send again. A lone UTF-16 surrogate (possible in JSON) is
// replaced by U+FFFD in a form post and in UTF-8, and browsers drop CR/LF from password fields and cannot type
// other control characters: such a password would register, then never sign in. Sign-in itself stays lenient.
export const PASSWORD_ILL_FORMED_MESSAGE = "Your password contains characters that cannot be stored; please retype it.";
export const PASSWORD_CONTROL_CHARACTER_MESSAGE =
  "Your password contains a control character (such as a tab, line break or NUL) that cannot be typed at sign-in; please retype it.";
export const PASSWORD_TOO_LONG_MESSAGE = `Password must be at most ${PASSWORD_MAX_BYTES} bytes (bcrypt's limit; non-ASCII characters count as 2–4 bytes)`;

export const newPasswordSchema = z
  .string({ message: "Enter a password" })
  .refine((password) => password.isWellFormed(), { message: PASSWORD_ILL_FORMED_MESSAGE, abort: true })
  .refine((password) => !/\p{Cc}/u.test(password), { message: PASSWORD_CONTROL_CHARACTER_MESSAGE, abort: true })
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  // bcrypt reads only the first 72 bytes: a longer password would be silently truncated (ASVS 6.2.8).
  .refine((password) => passwordByteLength(password) <= PASSWORD_MAX_BYTES, { message: PASSWORD_TOO_LONG_MESSAGE });

export const credentialsSchema = z.object({
  email: emailSchema,
  // Sign-in only needs a bound; the real rules apply at registration. Past 72 bytes bcrypt would compare only
  // the first 72, so "the right password plus anything" would pass: no stored password is that long (ASVS 6.2.8).
  password: z
    .string()
    .min(1, "Enter your password")
    .max(1024, "Invalid email or password")
    .refine((password) => passwordByteLength(password) <= PASSWORD_MAX_BYTES, { message: "Invalid email or password" }),
});

export const nameSchema = z
  .string({ message: "Enter your name" })
  .trim()
  .min(1, "Enter your name")
  .max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
  // PostgreSQL cannot store NUL in text (a 500 found by tests/e2e/fuzz.test.ts); no control character or
  // broken UTF-16 belongs in a display name anyway.
  .refine((name) => !/\p{Cc}/u.test(name) && name.isWellFormed(), {
    message: "Name cannot contain control characters",
  });

export const registrationSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  password: newPasswordSchema,
});
