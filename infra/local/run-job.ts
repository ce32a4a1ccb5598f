import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ScheduledEvent } from "aws-lambda";
import { JOB_FUNCTION_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import { newLocalSigningKey } from "../../shared/files/local-store.ts";
import { lambdaContext } from "./api-gateway-event.ts";
import { scheduledEvent } from "./scheduled-event.ts";

/**
 * `npm run job:expire -- --at <ISO time>`: runs the scheduled expiry function once, as of that time,
 * against the running local stack's table — the same handler as on AWS, fed a scheduled event.
 * `npm run job:webhooks -- --at <ISO time>` runs the webhook retry job (`--job webhooks-retry`) so.
 * `--job imports-job` goes on with CSV imports (shared/imports/) until none has lines left; `--job exports-job`
 * produces the exports the API handed over (shared/exports/job.ts), with Lambda's 15 minutes as on AWS.
 */

const JOBS = ["expiry-job", "webhooks-retry", "imports-job", "exports-job"] as const;
const { values } = parseArgs({
  options: { at: { type: "string" }, job: { type: "string", default: "expiry-job" } },
});
const job = JOBS.find((name) => name === values.job);
if (!job) {
  console.error(`--job must be one of ${JOBS.join(", ")} (got ${values.job})`);
  process.exit(2);
}
const at = values.at ? new Date(values.at) : new Date();
if (Number.isNaN(at.getTime())) {
  console.error(`--at must be an ISO time, e.g. 2027-11-30T09:00:00Z (got ${values.at})`);
  process.exit(2);
}
const demoFile = join(process.cwd(), ".local", "demo.json");
if (!existsSync(demoFile)) {
  console.error("No running local stack found (.local/demo.json is missing): run `npm start` first.");
  process.exit(2);
}
const demo = JSON.parse(readFileSync(demoFile, "utf8")) as {
  dynamoEndpoint: string;
  tableName: string;
  baseUrl: string;
  filesDir?: string;
};
process.env.TABLE_NAME = demo.tableName;
process.env.DYNAMODB_ENDPOINT = demo.dynamoEndpoint;
// The export job writes into the directory the running stack serves; it makes no links, so a key of its own.
if (demo.filesDir) {
  process.env.FILES_DIR = demo.filesDir;
  process.env.FILES_BASE_URL = demo.baseUrl;
  process.env.FILES_SIGNING_KEY = newLocalSigningKey();
}
// As the local stack does: its webhook receivers listen on this machine.
process.env.WEBHOOKS_ALLOW_LOOPBACK ??= "true";

const { handler } = (await import(`../../functions/${job}.ts`)) as {
  handler: (
    event: ScheduledEvent,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<{ complete: boolean }>;
};
const event = scheduledEvent(job, at);
// Each invocation resumes where the previous stopped, as successive scheduled runs would.
for (;;) {
  const timeoutMs = job === "exports-job" ? JOB_FUNCTION_TIMEOUT_SECONDS * 1000 : undefined;
  const result = await handler(event, lambdaContext(job, event.id, 512, timeoutMs));
  console.log(JSON.stringify({ at: at.toISOString(), ...result }, null, 2));
  if (result.complete) break;
}
