import type { AuthSessions } from "../auth-sessions.ts";
import type { Context, Services } from "../cognito-local.ts";

/**
 * One of cognito-local's targets (an `X-Amz-Target` operation) made to behave as Cognito does where the
 * product depends on it. Each fill says what AWS does and delegates the rest to cognito-local's own target.
 */
export type GapFill = (
  services: Services,
  sessions: AuthSessions,
  // biome-ignore lint/suspicious/noExplicitAny: the request is the operation's JSON, typed by each fill.
) => (ctx: Context, req: any) => Promise<unknown>;
