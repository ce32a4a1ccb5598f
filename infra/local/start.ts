import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../shared/clock.ts";
import { startDynamoDbLocal } from "./dynamodb-local.ts";
import { startLocalNotifications } from "./notifications.ts";
import { startLocalSchedules } from "./schedules.ts";
import { DEMO, seedDemo } from "./seed.ts";
import { startLocalStack } from "./stack.ts";
import { signIn } from "./user-pool/client.ts";
import { startUserPoolEmulator } from "./user-pool/emulator.ts";
import { emptyUserPool, provisionUserPool } from "./user-pool/provision.ts";
import { startLocalWallet } from "./wallet.ts";
import { startLocalWebhooks } from "./webhooks.ts";

/**
 * `npm start`: DynamoDB Local in memory (fresh data on every start), the local user pool (kept in
 * .local/cognito/, so its ids survive restarts; its users start afresh like the table), the demo
 * merchant, the HTTP API.
 */

const LOCAL_DIR = join(process.cwd(), ".local");
const port = Number(process.env.PORT ?? 3000);

mkdirSync(LOCAL_DIR, { recursive: true });
// A fixed port by default (cognito-local's), so a scanner app configured once keeps working across
// restarts. Started first: a port already taken stops here, before DynamoDB Local's JVM is running.
const userPoolEmulator = await startUserPoolEmulator({
  dataDir: join(LOCAL_DIR, "cognito"),
  mailDir: join(LOCAL_DIR, "mail"),
  port: Number(process.env.COGNITO_PORT ?? 9229),
});
const userPool = await provisionUserPool(userPoolEmulator.endpoint, { poolName: "loyalty-local" });
// The table starts empty, so the pool does too (its id and client id stay).
await emptyUserPool(userPool);
const dynamo = await startDynamoDbLocal(
  process.env.DYNAMODB_PORT ? { port: Number(process.env.DYNAMODB_PORT) } : {},
);
const stack = await startLocalStack({
  dynamoEndpoint: dynamo.endpoint,
  tableName: "loyalty-local",
  userPool,
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
// Webhooks to the merchants' endpoints, from the stream (a third poller); retries with npm run job:webhooks.
const webhooks = await startLocalWebhooks({ dynamoEndpoint: dynamo.endpoint, tableName: "loyalty-local" });
await seedDemo({ db: stack.db, clock: systemClock, userPool });
// The scheduled functions (webhook retries, imports, exports, expiry) at their own minutes, as EventBridge runs them.
const schedules = startLocalSchedules();
// A real sign-in of each, so a broken pool or trigger shows here rather than at the first curl.
for (const member of Object.values(DEMO.staff)) {
  const { AuthenticationResult } = await signIn(userPool, member.email, member.password);
  if (!AuthenticationResult?.AccessToken)
    throw new Error(`${member.email} could not sign in to the local user pool`);
}

const staff = Object.fromEntries(
  Object.entries(DEMO.staff).map(([key, member]) => [
    key,
    { id: member.id, email: member.email, password: member.password },
  ]),
);
const demo = {
  baseUrl: stack.baseUrl,
  // How a scanner app signs in (InitiateAuth USER_PASSWORD_AUTH with the scanner client); the access token is the bearer token.
  auth: {
    endpoint: userPool.endpoint,
    region: userPool.region,
    userPoolId: userPool.userPoolId,
    clientId: userPool.clientId,
  },
  // For local tools that reach the same table (npm run job:expire) and file store (the export job).
  dynamoEndpoint: dynamo.endpoint,
  tableName: stack.db.table,
  filesDir: process.env.FILES_DIR,
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
  user pool: ${userPool.endpoint} (${userPool.userPoolId}, client ${userPool.clientId}; ids kept in .local/cognito, users fresh)
    sign in: ${DEMO.staff.alice.email} / ${DEMO.staff.alice.password}, ${DEMO.staff.bob.email} / ${DEMO.staff.bob.password}
  ids, sign-in settings and passwords: .local/demo.json   an access token: npm run dev:token -- --staff alice
  wallet: APNs ${wallet.apns.origin}, Google ${wallet.google.baseUrl} (deliveries logged in .local/*.log)
    dev pass certificates in .local/apple-dev-certificates: NOT accepted by real devices
  webhooks: http to 127.0.0.1 allowed locally
  scheduled functions run at their minutes (UTC): webhooks-retry, imports-job, exports-job every minute, expiry-job at 02:30;
    at another time: npm run job:expire -- --at <ISO time>, npm run job:webhooks -- --at <ISO time>
  email: local SES at ${notifications.mail.endpoint} and the user pool's invitations, each written to .local/mail/*.eml
Press Ctrl-C to stop.`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await schedules.close();
  await webhooks.close();
  await notifications.close();
  await wallet.close();
  await stack.close();
  await userPoolEmulator.close();
  await dynamo.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
