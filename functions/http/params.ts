import * as z from "zod";
import { RecordId } from "./fields.ts";

export { RecordId };

/** Path parameters shared by several routes. */
export const CustomerPath = z.object({ customerId: RecordId });
export const StaffPath = z.object({ staffId: RecordId });
export const LocationPath = z.object({ locationId: RecordId });
export const ProgramPath = z.object({ programId: RecordId });
/** For routes that take no query parameters: an unknown filter is refused, not silently ignored. */
export const NoQuery = z.strictObject({});
export const RewardPath = z.object({ rewardId: RecordId });
export const RedemptionPath = z.object({ redemptionId: RecordId });
export const TransactionPath = z.object({ transactionId: RecordId });
export const ClaimPath = z.object({ claimId: RecordId });
export const WebhookPath = z.object({ webhookId: RecordId });
export const HoldPath = z.object({ holdId: RecordId });
