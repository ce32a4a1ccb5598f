import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { internalIssuer } from "../../shared/coupons/internal-issuer.ts";
import type { CouponIssuer, CouponRef } from "../../shared/coupons/issuer.ts";
import type { RedemptionStatus } from "../../shared/model.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { redemptionKey } from "../../shared/store/redemptions.ts";
import { testDb } from "../support/test-stack.ts";

const NOW = new Date("2026-05-01T12:00:00.000Z");
let db: Db;
let issuer: CouponIssuer;
let n = 0;

beforeAll(async () => {
  db = await testDb();
  issuer = internalIssuer({ db, clock: () => NOW });
});

/** A redemption record in the given status: for the internal issuer it is the coupon. */
async function couponIn(status: RedemptionStatus): Promise<CouponRef> {
  const ref = { merchantId: "m", redemptionId: `rdm_${++n}`, code: `CODE${n}` };
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...redemptionKey(ref.merchantId, ref.redemptionId),
        id: ref.redemptionId,
        code: ref.code,
        status,
      },
    }),
  );
  return ref;
}

const stored = async (ref: CouponRef) =>
  (
    await db.client.send(
      new GetCommand({ TableName: db.table, Key: redemptionKey(ref.merchantId, ref.redemptionId) }),
    )
  ).Item;

describe("the internal coupon issuer", () => {
  it("has nothing to create: the redemption record is the coupon, and it is tracked", async () => {
    const ref = { merchantId: "m", redemptionId: "rdm_new", code: "NEW" };
    expect(
      await issuer.create({ ...ref, rewardName: "x", discount: { kind: "free_product", product: "y" } }),
    ).toEqual({
      tracked: true,
    });
    expect(await stored(ref)).toBeUndefined();
  });

  it("reports the record's status as the coupon's state", async () => {
    expect(await issuer.status(await couponIn("issued"))).toBe("active");
    expect(await issuer.status(await couponIn("used"))).toBe("used");
    expect(await issuer.status(await couponIn("revoked"))).toBe("revoked");
    expect(await issuer.status({ merchantId: "m", redemptionId: "rdm_nosuch", code: "X" })).toBe("revoked");
  });

  it("revokes an issued coupon once; revoking again is still revoked and changes nothing", async () => {
    const ref = await couponIn("issued");
    expect(await issuer.revoke(ref)).toBe("revoked");
    expect(await stored(ref)).toMatchObject({ status: "revoked", revokedAt: NOW.toISOString() });
    const later = internalIssuer({ db, clock: () => new Date("2027-01-01T00:00:00.000Z") });
    expect(await later.revoke(ref)).toBe("revoked");
    expect((await stored(ref))?.revokedAt).toBe(NOW.toISOString());
  });

  it("does not revoke a used coupon, and says so", async () => {
    const ref = await couponIn("used");
    expect(await issuer.revoke(ref)).toBe("used");
    expect(await stored(ref)).toMatchObject({ status: "used" });
    expect((await stored(ref))?.revokedAt).toBeUndefined();
  });

  it("never creates a record by revoking an unknown coupon", async () => {
    const ref = { merchantId: "m", redemptionId: "rdm_ghost", code: "GHOST" };
    expect(await issuer.revoke(ref)).toBe("revoked");
    expect(await stored(ref)).toBeUndefined();
  });
});
