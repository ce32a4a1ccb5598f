import { type Principal, requireLocation } from "../auth/principal.ts";
import { notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { getProgram } from "../merchants/directory.ts";
import type { LedgerEntry } from "../model.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import type { WriteResult } from "../pipeline/write.ts";
import { findEntryById } from "../store/ledger/entries.ts";
import { readReturns, returnsPut } from "../store/ledger/returns.ts";
import { tierWrites } from "../tiers/ledger.ts";
import { afterReturn } from "../tiers/qualify.ts";
import { transactionView } from "../views.ts";
import { computePurchaseReturn } from "./purchase-return.ts";

export function reversalView(
  entry: LedgerEntry,
  purchaseId: string,
  returned: { total: string; remaining: string },
) {
  return {
    ...transactionView(entry),
    purchaseId,
    shortfall: entry.shortfall ?? 0,
    returnedTotal: returned.total,
    remaining: returned.remaining,
  };
}

export type ReversalView = ReturnType<typeof reversalView>;

/**
 * A purchase return takes back the points the purchase earned: all of them, or in proportion to the
 * amount returned. Several partial returns never take back more than was earned: what was returned so
 * far is one item per purchase, rewritten in the same transaction as each reversal entry on the
 * condition that no other return came in between.
 *
 * Policy when the balance no longer covers it (the points were spent meanwhile): the balance goes to
 * zero, never below, and the points that could not be taken back are recorded on the entry as
 * `shortfall`. They are not collected later.
 */
export async function reversePurchase(
  deps: LedgerDeps,
  principal: Principal,
  transactionId: string,
  input: { amount?: string },
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ reversal: ReversalView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return ledgerWrite(deps, {
    name: "transactions.reverse",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "transactions.reverse", { transactionId, ...input }),
    loadReadsOnly: true,
    load: async () => {
      const purchase = await findEntryById(db, merchantId, transactionId, { type: "purchase", points: 1 });
      if (!purchase) throw notFound("Transaction");
      const rule = purchase.rule;
      const amount = purchase.inputs.amount;
      if (purchase.type !== "purchase" || rule?.kind !== "purchase" || amount === undefined) {
        throw ValidationError.field(
          "path.transactionId",
          "is not a purchase; only purchases can be reversed",
        );
      }
      if (purchase.locationId) requireLocation(principal, purchase.locationId);
      // The program as it is now decides the tier window the points leave (shared/tiers/).
      const program = purchase.programId ? await getProgram(db, merchantId, purchase.programId) : undefined;
      return { purchase, rule, amount, program };
    },
    customerId: ({ purchase }) => purchase.customerId,
    plan: async ({ customer, context: { purchase, rule, amount, program }, now }) => {
      const before = await readReturns(db, merchantId, purchase.id);
      const back = computePurchaseReturn({ rule, amount, points: purchase.points }, before, input.amount);
      const taken = Math.min(back.points, customer.balance);
      const shortfall = back.points - taken;
      // Policy (grace): the returned points stop qualifying at once, the level is kept until its review.
      const state = program?.tiers ? customer.tiers?.[program.id] : undefined;
      const outcome =
        program?.tiers && state
          ? afterReturn(program.tiers, state, back.points, new Date(purchase.createdAt), now)
          : undefined;
      const tiers = program && outcome ? tierWrites(db, program, customer, outcome, now, "earn") : undefined;
      return {
        entry: {
          type: "reversal",
          // 0 - taken rather than -taken: a return worth no points must not write -0.
          points: 0 - taken,
          ...(shortfall > 0 ? { shortfall } : {}),
          ...(purchase.locationId ? { locationId: purchase.locationId } : {}),
          staffId: principal.staffId,
          ...(purchase.programId ? { programId: purchase.programId } : {}),
          ...(purchase.programVersion !== undefined ? { programVersion: purchase.programVersion } : {}),
          rule,
          inputs: back.inputs,
          raw: back.raw,
          refs: { entryId: purchase.id },
        },
        items: [returnsPut(db, purchase, before, back.total, now), ...(tiers?.items ?? [])],
        ...(tiers ? { profileUpdates: tiers.profileUpdates } : {}),
        ...(tiers?.change ? { followUp: tiers.change } : {}),
        result: (entry) => ({
          reversal: reversalView(entry, purchase.id, {
            total: back.total.amount,
            remaining: back.remaining,
          }),
        }),
      };
    },
  });
}
