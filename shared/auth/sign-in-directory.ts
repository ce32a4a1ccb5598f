import type { Role } from "../model.ts";

/**
 * Where staff sign-ins live (the Cognito user pool; shared/auth/cognito-directory.ts). The staff record in
 * the table stays the authority on what a person may do; the directory holds how they prove who they are,
 * and carries the ids the token needs (custom:merchant_id, custom:staff_id, immutable).
 */
export interface SignInAccount {
  merchantId: string;
  staffId: string;
  /** Lower-cased; the address the person signs in with and receives the invitation at. */
  email: string;
  role: Role;
}

export interface SignInUser {
  username: string;
  merchantId?: string;
  staffId?: string;
  /** The person has chosen their own password (the invitation's temporary one is spent). */
  signedIn: boolean;
}

export interface SignInDirectory {
  /**
   * Creates the sign-in in the role's group and has Cognito e-mail the invitation (a temporary password).
   * @throws EmailInUse when a user of the pool already has the address (see `find`).
   */
  invite(account: SignInAccount): Promise<{ username: string }>;
  /** The user with this address, and the ids it carries; undefined when there is none. */
  find(email: string): Promise<SignInUser | undefined>;
  /**
   * A new temporary password and invitation e-mail for a user who has not signed in yet.
   * @throws AlreadySignedIn once the person has chosen a password (they reset it from the sign-in screen).
   */
  resendInvitation(username: string): Promise<void>;
  /** Enabled users can sign in; disabling also revokes their tokens (global sign-out). */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** The user's group follows the role (informational: the record decides); `from` undefined: just join. */
  setRole(username: string, from: Role | undefined, to: Role): Promise<void>;
  /** @throws EmailInUse when another user of the pool has the address. */
  setEmail(username: string, email: string): Promise<void>;
}

export class EmailInUse extends Error {
  override readonly name = "EmailInUse";
  constructor() {
    super("The e-mail address belongs to another sign-in of the user pool");
  }
}

export class AlreadySignedIn extends Error {
  override readonly name = "AlreadySignedIn";
  constructor() {
    super("The user has already chosen a password");
  }
}
