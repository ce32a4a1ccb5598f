import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../shared/clock.ts";
import { startDynamoDbLocal } from "./dynamodb-local.ts";
import { loadOrCreateLocalAuthorizer } from "./jwt-authorizer.ts";
import { startLocalNotifications } from "./notifications.ts";
import { DEMO, seedDemo } from "./seed.ts";
import { startLocalStack } from "./stack.ts";
import { startLocalWallet } from "./wallet.ts";

/** `npm start`: DynamoDB Local in memory (fresh data on every start), the demo merchant, the HTTP API. */

const LOCAL_DIR = join(process.cwd(), ".local");
const port = Number(process.env.PORT ?? 3000);

mkdirSync(LOCAL_DIR, { recursive: true });
const dynamo = await startDynamoDbLocal(
  process.env.DYNAMODB_PORT ? { port: Number(process.env.DYNAMODB_PORT) } : {},
);
const authorizer = await loadOrCreateLocalAuthorizer(join(LOCAL_DIR, "jwt-key.json"));
const stack = await startLocalStack({
  dynamoEndpoint: dynamo.endpoint,
  tableName: "loyalty-local",
  authorizer,
  port,
});
// Before seeding, so the demo member's pass is created in the local Google recorder too.
const wallet = await startLocalWallet({
  dynamoEndpoint: dynamo.endpoint,
  tableName: "loyalty-local",
  apiBaseUrl: stack.baseUrl,
  localDir: LOCAL_DIR,
});
// Email goes to a local SES stand-in that writes .eml files; reminders and Moments are sent from the stream.
const notifications = await startLocalNotifications({
  dynamoEndpoint: dynamo.endpoint,
  tableName: "loyalty-local",
  mailDir: join(LOCAL_DIR, "mail"),
});
await seedDemo({ db: stack.db, clock: systemClock });

const staff = Object.fromEntries(
  await Promise.all(
    Object.entries(DEMO.staff).map(async ([key, member]) => [
      key,
      {
        id: member.id,
        token: await authorizer.issue({
          merchantId: DEMO.merchantId,
          staffId: member.id,
          role: member.role,
          locations: member.locationIds === "*" ? "*" : [...member.locationIds],
        }),
      },
    ]),
  ),
);
const demo = {
  baseUrl: stack.baseUrl,
  // For local tools that reach the same table (npm run job:expire).
  dynamoEndpoint: dynamo.endpoint,
  tableName: stack.db.table,
  merchantId: DEMO.merchantId,
  locations: Object.fromEntries(
    Object.entries(DEMO.locations).map(([key, l]) => [key, { id: l.id, programId: l.programId }]),
  ),
  staff,
  customers: Object.fromEntries(
    Object.entries(DEMO.customers).map(([key, c]) => [key, { id: c.id, barcode: c.barcode }]),
  ),
};
writeFileSync(join(LOCAL_DIR, "demo.json"), `${JSON.stringify(demo, null, 2)}\n`);

console.log(`loyalty-wallet is running at ${stack.baseUrl}
  DynamoDB Local: ${dynamo.endpoint} (in memory: data is fresh on every start)
  merchant: ${DEMO.merchantId}   locations: paris-01 (1 pt per 1.00 EUR), lyon-01 (10 pts per visit)
  staff: alice (owner, ${DEMO.staff.alice.id}), bob (staff at paris-01, ${DEMO.staff.bob.id})
  customer: Camille Martin (${DEMO.customers.camille.id}), barcode ${DEMO.customers.camille.barcode}
  ids and bearer tokens: .local/demo.json   a token: npm run dev:token -- --staff alice
  wallet: APNs ${wallet.apns.origin}, Google ${wallet.google.baseUrl} (deliveries logged in .local/*.log)
    dev pass certificates in .local/apple-dev-certificates: NOT accepted by real devices
  email: local SES at ${notifications.mail.endpoint}, each message written to .local/mail/*.eml
Press Ctrl-C to stop.`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await notifications.close();
  await wallet.close();
  await stack.close();
  await dynamo.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
