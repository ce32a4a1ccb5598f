// Real tokens are hex, but the local stack uses readable ones; either way nothing outside the URL
// "unreserved" set may reach the request path, or a stored token could rewrite it.
const SAFE_PUSH_TOKEN = /^[A-Za-z0-9._~-]{1,256}$/;

export function isSafePushToken(token: string): boolean {
  return SAFE_PUSH_TOKEN.test(token);
}

/** Enough of a push token to correlate log lines without making the token usable. */
export function truncatePushToken(token: string): string {
  return token.length <= 8 ? token : `${token.slice(0, 8)}…`;
}
