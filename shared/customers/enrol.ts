import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { barcodePk, barcodeSk, customerPk, profileSk } from "../db/keys.ts";
import { newId, randomCode, randomToken } from "../ids.ts";
import { GENESIS_HASH } from "../ledger/hash-chain.ts";
import type { Customer } from "../model.ts";

export interface Enrolment {
  merchantId: string;
  name: string;
  phone?: string;
  email?: string;
  locale?: "fr" | "en";
  /** Fixed ids for seeded demo data; generated otherwise. */
  id?: string;
  barcode?: string;
}

/**
 * Creates the membership with an empty ledger, and claims its barcode in the same transaction so
 * no two customers of a merchant can ever share one.
 */
export async function enrolCustomer(deps: { db: Db; clock: Clock }, enrolment: Enrolment): Promise<Customer> {
  const now = deps.clock().toISOString();
  const customer: Customer = {
    merchantId: enrolment.merchantId,
    id: enrolment.id ?? newId("cus"),
    name: enrolment.name,
    ...(enrolment.phone ? { phone: enrolment.phone } : {}),
    ...(enrolment.email ? { email: enrolment.email } : {}),
    locale: enrolment.locale ?? "fr",
    // 20 characters from a 30-letter alphabet: about 98 bits, so barcodes cannot be guessed.
    barcode: enrolment.barcode ?? randomCode(20),
    passSerial: newId("pass"),
    passToken: randomToken(24),
    balance: 0,
    seq: 0,
    headHash: GENESIS_HASH,
    lastVisits: {},
    createdAt: now,
    updatedAt: now,
  };
  const { db } = deps;
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.table,
            Item: { pk: customerPk(customer.merchantId, customer.id), sk: profileSk(), ...customer },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          Put: {
            TableName: db.table,
            Item: {
              pk: barcodePk(customer.merchantId, customer.barcode),
              sk: barcodeSk(),
              customerId: customer.id,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ],
    }),
  );
  return customer;
}
