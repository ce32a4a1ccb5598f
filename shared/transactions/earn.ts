import { type Principal, requireLocation } from "../auth/principal.ts";
import { checkEarnedPoints, checkPurchaseAmount, maxPurchaseOf } from "../bounds.ts";
import { refuseErased } from "../customers/erased.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { getLocationCached, getMerchant, getProgramCached } from "../merchants/directory.ts";
import type { DirectoryCache } from "../merchants/directory-cache.ts";
import type { LedgerEntry } from "../model.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import type { WriteResult } from "../pipeline/write.ts";
import { computePurchasePoints, computeVisitPoints, type EarnComputation } from "../programs/rules.ts";
import { referralOnEarn } from "../referrals/qualify.ts";
import { findCustomerIdByBarcode } from "../store/customers/contacts.ts";
import { tierBonus, tierWrites } from "../tiers/ledger.ts";
import { afterQualifying } from "../tiers/qualify.ts";
import { type TransactionView, transactionView } from "../views.ts";

export type EarnInput = { locationId: string } & ({ barcode: string } | { customerId: string }) &
  ({ type: "purchase"; amount: string; currency: string } | { type: "visit" });

export interface EarnDeps extends LedgerDeps {
  /** Where the location and program are kept between earns; the container's cache by default. */
  directory?: DirectoryCache;
}

/**
 * The scanner's earn: the location decides the program, the program's current rule decides the points,
 * and the entry records the rule version, inputs and rounding so the customer can see how it was computed.
 *
 * At most three rounds of reads before the transaction, the staff read included: the staff and merchant
 * (the principal); the Idempotency-Key alongside the barcode's claim, the location and program coming from
 * the container's cache (shared/merchants/directory-cache.ts); then the customer and the lot the points go
 * to, read as soon as the customer is known, still alongside the replay check. With a customerId the last
 * two rounds are one.
 */
export async function earnPoints(
  deps: EarnDeps,
  principal: Principal,
  input: EarnInput,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ transaction: TransactionView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return ledgerWrite(deps, {
    name: "transactions.create",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "transactions.create", input),
    loadReadsOnly: true,
    attemptAlongsideReplay: true,
    // Validated before anything is written: a bad amount never reaches the ledger.
    load: async () => {
      const [merchant, location, customerId] = await Promise.all([
        principal.merchant ?? getMerchant(db, merchantId),
        getLocationCached(db, merchantId, input.locationId, deps.directory),
        "customerId" in input ? input.customerId : findCustomerIdByBarcode(db, merchantId, input.barcode),
      ]);
      if (!location) throw ValidationError.field("locationId", "no such location");
      requireLocation(principal, location.id);
      // The entry records this object's version and rule: what is applied is what is recorded.
      const program = await getProgramCached(db, merchantId, location.programId, deps.directory);
      if (!program) throw new Error(`location ${location.id} points to a missing program`);
      if (program.rule.kind !== input.type) {
        const expected = program.rule.kind === "purchase" ? "a purchase amount" : "a visit";
        throw ValidationError.field("type", `this location's program counts ${expected}`);
      }
      let computation: EarnComputation;
      let inputs: Record<string, string> = {};
      if (input.type === "purchase" && program.rule.kind === "purchase") {
        computation = computePurchasePoints(program.rule, input);
        // After the rule's own checks, so a wrong currency is named before the amount's size.
        checkPurchaseAmount(input.amount, input.currency, maxPurchaseOf(merchant));
        inputs = { amount: input.amount, currency: input.currency };
      } else if (program.rule.kind === "visit") {
        computation = computeVisitPoints(program.rule);
      } else {
        throw new Error("unreachable: type checked above");
      }
      checkEarnedPoints(computation.points);
      if (!customerId) throw notFound("Customer");
      return { location, program, computation, inputs, customerId };
    },
    customerId: (loaded) => loaded.customerId,
    expiry: ({ program }) => program.expiry ?? NO_EXPIRY,
    plan: async ({ customer, context: { location, program, inputs, ...loaded }, now }) => {
      refuseErased(customer);
      const { rule } = program;
      // The tier held before this earn multiplies it, in the rule's own arithmetic (shared/tiers/).
      const bonus = tierBonus(program, customer, now);
      let computation = loaded.computation;
      if (bonus) {
        computation =
          input.type === "purchase" && rule.kind === "purchase"
            ? computePurchasePoints(rule, input, bonus)
            : rule.kind === "visit"
              ? computeVisitPoints(rule, bonus)
              : computation;
        checkEarnedPoints(computation.points);
      }
      let profileUpdates: Record<string, unknown> = {};
      if (rule.kind === "visit") {
        const last = customer.lastVisits?.[program.id];
        const next = last ? new Date(Date.parse(last) + rule.minMinutesBetweenVisits * 60_000) : undefined;
        if (next && next > now) {
          throw conflict("This customer's visit was already counted recently.", {
            lastVisitAt: last,
            nextVisitAllowedAt: next.toISOString(),
          });
        }
        profileUpdates = { [`lastVisits.${program.id}`]: now.toISOString() };
      }
      const tiers = program.tiers
        ? tierWrites(
            db,
            program,
            customer,
            afterQualifying(program.tiers, customer.tiers?.[program.id], computation.points, now),
            now,
            "earn",
          )
        : undefined;
      const change = tiers?.change;
      // A referred member's first earn decides their referral (shared/referrals/): nothing for anyone else.
      const referral = await referralOnEarn(db, customer, now);
      const referralReward = referral?.followUp;
      return {
        entry: {
          type: input.type,
          points: computation.points,
          locationId: location.id,
          staffId: principal.staffId,
          programId: program.id,
          programVersion: program.version,
          inputs,
          rule,
          ...(computation.raw !== undefined ? { raw: computation.raw } : {}),
          ...(computation.tier ? { tier: computation.tier } : {}),
        },
        profileUpdates: { ...profileUpdates, ...tiers?.profileUpdates, ...referral?.profileUpdates },
        ...(tiers?.items.length ? { items: tiers.items } : {}),
        ...(change || referralReward
          ? {
              followUp: (entry: LedgerEntry) => [
                ...(change ? change(entry) : []),
                ...(referralReward ? [referralReward(entry)] : []),
              ],
            }
          : {}),
        ...(referral ? { itemsAfter: referral.itemsAfter } : {}),
        result: (entry) => ({ transaction: transactionView(entry) }),
      };
    },
  });
}
