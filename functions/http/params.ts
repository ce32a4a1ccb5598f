import { z } from "zod";

/** Path parameters shared by several routes. */
export const CustomerPath = z.object({ customerId: z.string().min(1).max(64) });

/** Ids of a merchant's records: no "#" or "/", so an id can never reach into another item's key. */
export const RecordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, _ or -");
export const StaffPath = z.object({ staffId: RecordId });
export const LocationPath = z.object({ locationId: RecordId });
export const ProgramPath = z.object({ programId: RecordId });
/** For routes that take no query parameters: an unknown filter is refused, not silently ignored. */
export const NoQuery = z.strictObject({});
export const RewardPath = z.object({ rewardId: RecordId });
export const RedemptionPath = z.object({ redemptionId: RecordId });
export const TransactionPath = z.object({ transactionId: RecordId });
export const ClaimPath = z.object({ claimId: RecordId });
