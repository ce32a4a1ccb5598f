import { NotAuthorizedError } from "./cognito-local.ts";

interface Challenge {
  username: string;
  clientId: string;
  challengeName: string;
  expiresAt: number;
}

/** Cognito's default AuthSessionValidity: a challenge must be answered within 3 minutes. */
const SESSION_VALIDITY_MS = 3 * 60_000;

/**
 * The sessions handed out with a challenge. cognito-local returns a random Session and never checks it,
 * so anyone could answer NEW_PASSWORD_REQUIRED for any user without knowing the temporary password; Cognito
 * ties the session to the user, the client and the challenge, and accepts it once.
 */
export class AuthSessions {
  private readonly challenges = new Map<string, Challenge>();

  issue(session: string, challenge: Omit<Challenge, "expiresAt">): void {
    this.challenges.set(session, { ...challenge, expiresAt: Date.now() + SESSION_VALIDITY_MS });
  }

  /** The session's challenge, consumed; NotAuthorizedException as Cognito answers when it is unknown or stale. */
  take(session: string | undefined, clientId: string, challengeName: string | undefined): Challenge {
    const challenge = session ? this.challenges.get(session) : undefined;
    if (session) this.challenges.delete(session);
    if (
      !challenge ||
      challenge.expiresAt < Date.now() ||
      challenge.clientId !== clientId ||
      challenge.challengeName !== challengeName
    ) {
      throw new NotAuthorizedError("Invalid session for the user, session is expired.");
    }
    return challenge;
  }
}
