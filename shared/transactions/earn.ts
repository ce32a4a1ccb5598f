import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import type { AppendDeps, AppendResult } from "../ledger/append.ts";
import { appendEntry } from "../ledger/append.ts";
import { findCustomerIdByBarcode, getLocation, getProgram } from "../merchants/directory.ts";
import { computePurchasePoints, computeVisitPoints, type EarnComputation } from "../programs/rules.ts";
import { type TransactionView, transactionView } from "../views.ts";

export type EarnInput = { locationId: string } & ({ barcode: string } | { customerId: string }) &
  ({ type: "purchase"; amount: string; currency: string } | { type: "visit" });

/**
 * The scanner's earn: the location decides the program, the program's current rule decides the points,
 * and the entry records the rule version, inputs and rounding so the customer can see how it was computed.
 */
export async function earnPoints(
  deps: AppendDeps,
  principal: Principal,
  input: EarnInput,
  idempotencyKey: string | undefined,
): Promise<AppendResult<{ transaction: TransactionView }>> {
  requirePermission(principal, "transactions:create");
  const idempotency = idempotencyFrom(idempotencyKey, "transactions.create", input);
  const { db } = deps;
  const { merchantId } = principal;

  const location = await getLocation(db, merchantId, input.locationId);
  if (!location) throw ValidationError.field("locationId", "no such location");
  requireLocation(principal, location.id);
  const program = await getProgram(db, merchantId, location.programId);
  if (!program) throw new Error(`location ${location.id} points to a missing program`);

  if (program.rule.kind !== input.type) {
    const expected = program.rule.kind === "purchase" ? "a purchase amount" : "a visit";
    throw ValidationError.field("type", `this location's program counts ${expected}`);
  }
  // Validated before anything is written: a bad amount never reaches the ledger.
  let computation: EarnComputation;
  let inputs: Record<string, string> = {};
  if (input.type === "purchase" && program.rule.kind === "purchase") {
    computation = computePurchasePoints(program.rule, input);
    inputs = { amount: input.amount, currency: input.currency };
  } else if (program.rule.kind === "visit") {
    computation = computeVisitPoints(program.rule);
  } else {
    throw new Error("unreachable: type checked above");
  }

  const customerId =
    "customerId" in input ? input.customerId : await findCustomerIdByBarcode(db, merchantId, input.barcode);
  if (!customerId) throw notFound("Customer");
  const rule = program.rule;

  return appendEntry(deps, {
    merchantId,
    customerId,
    idempotency,
    plan: (customer, now) => {
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
          explanation: computation.explanation,
        },
        profileUpdates,
        expiry: program.expiry ?? NO_EXPIRY,
        respond: (entry) => ({ status: 201, body: { transaction: transactionView(entry) } }),
      };
    },
  });
}
