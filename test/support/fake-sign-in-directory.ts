import {
  AlreadySignedIn,
  EmailInUse,
  type SignInAccount,
  type SignInDirectory,
} from "../../shared/auth/sign-in-directory.ts";
import type { Role } from "../../shared/model.ts";

export interface FakeUser extends SignInAccount {
  username: string;
  enabled: boolean;
  signedIn: boolean;
  groups: Set<Role>;
  invitations: number;
  signedOut: number;
}

/** An in-memory user pool with Cognito's rules that matter to the product: one user per address. */
export function fakeSignInDirectory(): SignInDirectory & { users: Map<string, FakeUser> } {
  const users = new Map<string, FakeUser>();
  let next = 1;
  const byName = (username: string) => {
    const user = users.get(username);
    if (!user) throw Object.assign(new Error("User does not exist."), { name: "UserNotFoundException" });
    return user;
  };
  const byEmail = (email: string) => [...users.values()].find((u) => u.email === email);
  return {
    users,
    async invite(account) {
      if (byEmail(account.email)) throw new EmailInUse();
      const username = `user-${next++}`;
      users.set(username, {
        ...account,
        username,
        enabled: true,
        signedIn: false,
        groups: new Set([account.role]),
        invitations: 1,
        signedOut: 0,
      });
      return { username };
    },
    async find(email) {
      const user = byEmail(email);
      return (
        user && {
          username: user.username,
          merchantId: user.merchantId,
          staffId: user.staffId,
          signedIn: user.signedIn,
        }
      );
    },
    async resendInvitation(username) {
      const user = byName(username);
      if (user.signedIn) throw new AlreadySignedIn();
      user.invitations++;
    },
    async setEnabled(username, enabled) {
      const user = byName(username);
      user.enabled = enabled;
      if (!enabled) user.signedOut++;
    },
    async setRole(username, from, to) {
      const user = byName(username);
      user.groups.add(to);
      if (from !== undefined && from !== to) user.groups.delete(from);
    },
    async setEmail(username, email) {
      const other = byEmail(email);
      if (other && other.username !== username) throw new EmailInUse();
      byName(username).email = email;
    },
  };
}
