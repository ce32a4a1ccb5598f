import { createContext } from "preact";
import { useContext } from "preact/hooks";

/**
 * Who is signed in (GET /v1/session): their staff record, their role's permissions as they are now, and
 * the merchant. Screens offer only what `can` allows; the API refuses the rest anyway.
 */
export const SessionContext = createContext(undefined);

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the signed-in console");
  return session;
}

/** The session with its permission check. */
export function withPermissions(answer) {
  const granted = new Set(answer.permissions);
  return { ...answer, can: (permission) => granted.has(permission) };
}

/** Whether the staff member may act at a location (owners and "*" everywhere). */
export const canUseLocation = (session, locationId) =>
  session.staff.locationIds === "*" || session.staff.locationIds.includes(locationId);
