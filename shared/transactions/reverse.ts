import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import type { Db } from "../db/client.ts";
import { purchaseReturnsPk, purchaseReturnsSk } from "../db/keys.ts";
import { notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { type AppendDeps, type AppendResult, appendEntry } from "../ledger/append.ts";
import { findEntryById } from "../ledger/read.ts";
import type { LedgerEntry } from "../model.ts";
import { transactionView } from "../views.ts";
import { computePurchaseReturn, type ReturnedSoFar } from "./purchase-return.ts";

interface ReturnsRecord extends ReturnedSoFar {
  /** Number of returns so far; the next one is written only if no other came in between. */
  count: number;
}

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
  deps: AppendDeps,
  principal: Principal,
  transactionId: string,
  input: { amount?: string },
  idempotencyKey: string | undefined,
): Promise<AppendResult<{ reversal: ReversalView }>> {
  requirePermission(principal, "points:adjust");
  const idempotency = idempotencyFrom(idempotencyKey, "transactions.reverse", { transactionId, ...input });
  const { db } = deps;
  const { merchantId } = principal;
  const purchase = await findEntryById(db, merchantId, transactionId);
  if (!purchase) throw notFound("Transaction");
  const rule = purchase.rule;
  const amount = purchase.inputs.amount;
  if (purchase.type !== "purchase" || rule?.kind !== "purchase" || amount === undefined) {
    throw ValidationError.field("path.transactionId", "is not a purchase; only purchases can be reversed");
  }
  if (purchase.locationId) requireLocation(principal, purchase.locationId);
  const key = { pk: purchaseReturnsPk(merchantId, purchase.id), sk: purchaseReturnsSk() };

  return appendEntry(deps, {
    merchantId,
    customerId: purchase.customerId,
    idempotency,
    plan: async (customer, now) => {
      const before = await readReturns(db, key);
      const back = computePurchaseReturn({ rule, amount, points: purchase.points }, before, input.amount);
      const taken = Math.min(back.points, customer.balance);
      const shortfall = back.points - taken;
      const record: ReturnsRecord & Record<string, unknown> = {
        ...key,
        merchantId,
        customerId: purchase.customerId,
        entryId: purchase.id,
        ...back.total,
        count: before.count + 1,
        updatedAt: now.toISOString(),
      };
      return {
        entry: {
          type: "reversal",
          // 0 - taken rather than -taken: a return worth no points must not write -0.
          points: 0 - taken,
          ...(shortfall > 0 ? { shortfall } : {}),
          locationId: purchase.locationId,
          staffId: principal.staffId,
          programId: purchase.programId,
          programVersion: purchase.programVersion,
          rule,
          inputs: {
            amount: back.amount,
            currency: rule.currency,
            purchaseAmount: amount,
            returnedBefore: back.returnedBefore,
          },
          raw: back.raw,
          explanation:
            shortfall > 0
              ? `${back.explanation}; the balance covered ${taken}, ${shortfall} could not be taken back (shortfall)`
              : back.explanation,
          refs: { entryId: purchase.id },
        },
        extraItems: [
          {
            Put: {
              TableName: db.table,
              Item: record,
              ConditionExpression: before.count === 0 ? "attribute_not_exists(pk)" : "#count = :seen",
              ...(before.count === 0
                ? {}
                : {
                    ExpressionAttributeNames: { "#count": "count" },
                    ExpressionAttributeValues: { ":seen": before.count },
                  }),
            },
          },
        ],
        respond: (entry) => ({
          status: 201,
          body: {
            reversal: reversalView(entry, purchase.id, {
              total: back.total.amount,
              remaining: back.remaining,
            }),
          },
        }),
      };
    },
  });
}

async function readReturns(db: Db, key: { pk: string; sk: string }): Promise<ReturnsRecord> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }),
  );
  if (!Item) return { amount: "0", points: 0, count: 0 };
  return { amount: String(Item.amount), points: Number(Item.points), count: Number(Item.count) };
}
