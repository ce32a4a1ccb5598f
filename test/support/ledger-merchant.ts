import { randomUUID } from "node:crypto";
import { PERMISSIONS } from "../../shared/auth/permissions.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import type { ExpiryPolicy } from "../../shared/expiry/policy.ts";
import { createLocation, createMerchant, createProgram } from "../../shared/merchants/setup.ts";
import type { EarnRule } from "../../shared/programs/rules.ts";
import type { Db } from "../../shared/store/db/client.ts";

/** The owner of a merchant, as the HTTP pipeline would resolve them: every permission, every location. */
export const ownerOf = (merchantId: string): Principal => ({
  merchantId,
  staffId: "staff_owner",
  role: "owner",
  locationIds: "*",
  permissions: new Set(PERMISSIONS),
});

/**
 * A merchant of its own for a domain-level test: one location per entry of `locations`, each on a program of
 * its own (`prog-<location>`) with the rule and expiry policy given. Returns the owner.
 */
export async function merchantWithLocations(
  db: Db,
  at: Date,
  locations: Record<string, { rule: EarnRule; expiry?: ExpiryPolicy }>,
  defaultExpiry?: ExpiryPolicy,
): Promise<Principal> {
  const merchantId = `m-${randomUUID().slice(0, 8)}`;
  const createdAt = at.toISOString();
  await createMerchant(db, {
    id: merchantId,
    name: "M",
    country: "FR",
    currency: "EUR",
    createdAt,
    ...(defaultExpiry ? { expiry: defaultExpiry } : {}),
  });
  for (const [id, { rule, expiry }] of Object.entries(locations)) {
    await createProgram(db, {
      merchantId,
      id: `prog-${id}`,
      name: id,
      version: 1,
      rule,
      ...(expiry ? { expiry } : {}),
      updatedAt: createdAt,
    });
    await createLocation(db, { merchantId, id, name: id, programId: `prog-${id}`, createdAt });
  }
  return ownerOf(merchantId);
}
