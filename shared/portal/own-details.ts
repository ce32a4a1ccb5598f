import type { ContactField } from "../customers/contact.ts";
import { normalizeContact } from "../customers/contact.ts";
import { type CustomerChanges, updateCustomer } from "../customers/update.ts";
import { notFound } from "../errors.ts";
import { getMerchant } from "../merchants/directory.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { CustomerView } from "../views.ts";
import type { CustomerIdentity } from "./access.ts";
import {
  type ContactChangeDeps,
  LINK_VALID_HOURS,
  requestContactChange,
  requireChannel,
  SELF_SERVICE,
} from "./contact-change.ts";
import { FIELD_NAMES } from "./contact-change-message.ts";

export interface OwnDetailsResult {
  customer: CustomerView;
  changed: string[];
  /** New addresses waiting for their owner to open the link sent to them; absent when none. */
  pending?: Partial<Record<ContactField, string>>;
  /** When the links stop working. */
  expiresAt?: string;
  message?: string;
}

/**
 * The customer's own PATCH: name, language and consent change at once, as does removing a phone or
 * email; a new phone or email only gets a confirmation link (shared/portal/contact-change.ts). Anything
 * invalid or unverifiable is refused before anything is written.
 */
export async function updateOwnDetails(
  deps: ContactChangeDeps,
  member: CustomerIdentity,
  changes: CustomerChanges,
  apiBaseUrl: string,
): Promise<OwnDetailsResult> {
  const { merchantId, customerId } = member;
  const [customer, merchant] = await Promise.all([
    readCustomer(deps.db, merchantId, customerId),
    getMerchant(deps.db, merchantId),
  ]);
  if (!customer || !merchant) throw notFound("Customer");
  const contact = normalizeContact(changes, merchant.country);
  const toVerify = (["email", "phone"] as const).flatMap((field) => {
    const value = contact[field];
    return typeof value === "string" && value !== customer[field] ? [{ field, value }] : [];
  });
  for (const { field } of toVerify) requireChannel(deps.channels, field);

  const now = { ...changes };
  for (const { field } of toVerify) delete now[field];
  const result = await updateCustomer(deps, merchantId, customerId, SELF_SERVICE, now);
  if (toVerify.length === 0) return result;

  let expiresAt = "";
  for (const { field, value } of toVerify) {
    ({ expiresAt } = await requestContactChange(deps, {
      merchantId,
      customerId,
      merchantName: merchant.name,
      locale: result.customer.locale,
      field,
      value,
      apiBaseUrl,
    }));
  }
  return {
    ...result,
    pending: Object.fromEntries(toVerify.map(({ field, value }) => [field, value])),
    expiresAt,
    message: toVerify
      .map(
        ({ field, value }) =>
          `A confirmation link was sent to ${value}; the ${FIELD_NAMES[field]} changes once it is opened, within ${LINK_VALID_HOURS} hours.`,
      )
      .join(" "),
  };
}
