import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import type { LedgerDeps } from "../pipeline/ledger-write.ts";
import { TABLE } from "../store/db/table-definition.ts";
import { cancelOnReturn } from "./cancel.ts";
import { payReferrer } from "./pay.ts";

/**
 * The referrals step of the webhooks stream consumer (functions/webhooks-stream.ts), from new ledger
 * entries only: the friend's reward entry → the referrer's reward; a purchase return → the referral it
 * qualified, if any, cancelled. Both are keyed writes through the pipeline, so a record delivered again
 * pays or takes back nothing twice. The record's new image says what is needed (no read for other entries).
 */
export async function referralStep(deps: LedgerDeps, record: DynamoDBRecord): Promise<void> {
  if (record.eventName !== "INSERT") return;
  if (!record.dynamodb?.Keys?.[TABLE.sortKey]?.S?.startsWith("ENTRY#")) return;
  const image: Record<string, AttributeValue> = record.dynamodb?.NewImage ?? {};
  const type = image.type?.S;
  const merchantId = image.merchantId?.S;
  const customerId = image.customerId?.S;
  if (!merchantId || !customerId) return;
  const refs = image.refs?.M;
  if (type === "referral_reward" && image.inputs?.M?.role?.S === "referee") {
    const referralId = refs?.referralId?.S;
    if (referralId) await payReferrer(deps, merchantId, referralId);
  } else if (type === "reversal") {
    const purchaseId = refs?.entryId?.S;
    if (purchaseId) await cancelOnReturn(deps, merchantId, customerId, purchaseId);
  }
}
