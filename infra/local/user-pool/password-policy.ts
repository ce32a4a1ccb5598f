import { randomInt } from "node:crypto";
import type { UserPool } from "./cognito-local.ts";

type PasswordPolicy = NonNullable<NonNullable<UserPool["Policies"]>["PasswordPolicy"]>;

// Cognito's symbol set for password policies (developer guide, "User pool password requirements").
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";
const CLASSES = {
  RequireLowercase: {
    chars: "abcdefghijklmnopqrstuvwxyz",
    reason: "Password must have lowercase characters",
  },
  RequireUppercase: {
    chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    reason: "Password must have uppercase characters",
  },
  RequireNumbers: { chars: "0123456789", reason: "Password must have numeric characters" },
  RequireSymbols: { chars: SYMBOLS, reason: "Password must have symbol characters" },
} as const;

/**
 * Why a password breaks the pool's policy, worded as Cognito's InvalidPasswordException is, or undefined when
 * it conforms. cognito-local accepts any password; on AWS, AdminSetUserPassword and a NEW_PASSWORD_REQUIRED
 * answer with a weak one fail, so a local flow that sets one would pass here and break there.
 */
export function passwordPolicyViolation(
  password: string,
  policy: PasswordPolicy | undefined,
): string | undefined {
  if (!policy) return undefined;
  const reasons: string[] = [];
  if (password.length < (policy.MinimumLength ?? 8)) reasons.push("Password not long enough");
  for (const [rule, { chars, reason }] of Object.entries(CLASSES)) {
    if (policy[rule as keyof typeof CLASSES] && ![...password].some((c) => chars.includes(c)))
      reasons.push(reason);
  }
  return reasons.length > 0 ? `Password did not conform with policy: ${reasons.join(", ")}` : undefined;
}

/**
 * A temporary password as Cognito makes one: it meets the pool's policy (cognito-local's is 6 random
 * characters, which a real pool would never hand out, and which AdminSetUserPassword here would refuse).
 */
export function temporaryPassword(policy: PasswordPolicy | undefined): string {
  const length = Math.max(12, policy?.MinimumLength ?? 8);
  // Symbols that survive being copied from an e-mail into a shell or a form.
  const all = [
    CLASSES.RequireLowercase.chars,
    CLASSES.RequireUppercase.chars,
    CLASSES.RequireNumbers.chars,
    "!#%+-=?@^_",
  ];
  const pick = (chars: string) => chars[randomInt(chars.length)] ?? "";
  const chars = [...all.map(pick)];
  while (chars.length < length) chars.push(pick(all[randomInt(all.length)] ?? ""));
  // Shuffled, so the first four characters do not always follow the same classes.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? "", chars[i] ?? ""];
  }
  return chars.join("");
}
