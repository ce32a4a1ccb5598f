import { decodeJwt } from "jose";
import type { AuthSessions } from "../auth-sessions.ts";
import { NotAuthorizedError, type User } from "../cognito-local.ts";

interface AuthAnswer {
  ChallengeName?: string;
  Session?: string;
  AuthenticationResult?: { AccessToken?: string; [name: string]: unknown };
  [name: string]: unknown;
}

/**
 * The answer of InitiateAuth or RespondToAuthChallenge completed as Cognito's: the result says how long
 * the access token lasts and that it is a bearer token (cognito-local leaves both out), and a challenge's
 * session is remembered so that only its answer is accepted (auth-sessions.ts).
 */
export function completeAnswer(
  answer: AuthAnswer,
  user: User,
  clientId: string,
  sessions: AuthSessions,
): AuthAnswer {
  if (answer.ChallengeName && answer.Session) {
    sessions.issue(answer.Session, {
      username: user.Username,
      clientId,
      challengeName: answer.ChallengeName,
    });
  }
  const access = answer.AuthenticationResult?.AccessToken;
  if (!access) return answer;
  const { exp = 0, iat = 0 } = decodeJwt(access);
  return {
    ...answer,
    AuthenticationResult: { ...answer.AuthenticationResult, ExpiresIn: exp - iat, TokenType: "Bearer" },
  };
}

/** Cognito refuses every sign-in step, refresh included, for a disabled user. */
export function assertEnabled(user: User): void {
  if (!user.Enabled) throw new NotAuthorizedError("User is disabled.");
}
