import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { signIn, type UserPoolRef } from "./user-pool/client.ts";

/**
 * `npm run dev:token -- --staff alice`: an access token for a seeded staff member (by key or id), from a
 * real sign-in to the local user pool (InitiateAuth USER_PASSWORD_AUTH), as a scanner app gets one. It
 * lasts as long as the scanner client's access tokens (15 minutes); sign in again for another.
 */

interface Demo {
  auth: UserPoolRef;
  staff: Record<string, { id: string; email: string; password: string }>;
}

const { values } = parseArgs({ options: { staff: { type: "string" } } });
const demoFile = join(process.cwd(), ".local", "demo.json");
if (!existsSync(demoFile)) {
  console.error("No running local stack found (.local/demo.json is missing): run `npm start` first.");
  process.exit(2);
}
const demo = JSON.parse(readFileSync(demoFile, "utf8")) as Partial<Demo>;
if (!demo.auth || !demo.staff) {
  console.error(
    ".local/demo.json was written by an older `npm start`, before the local user pool: restart it.",
  );
  process.exit(2);
}
const wanted = values.staff;
const member = Object.entries(demo.staff).find(([key, s]) => key === wanted || s.id === wanted)?.[1];
if (!member) {
  console.error(
    `Unknown staff "${wanted ?? ""}". Seeded staff: ${Object.entries(demo.staff)
      .map(([k, s]) => `${k} (${s.id})`)
      .join(", ")}`,
  );
  process.exit(2);
}
try {
  const { AuthenticationResult, ChallengeName } = await signIn(demo.auth, member.email, member.password);
  if (!AuthenticationResult?.AccessToken) {
    console.error(`${member.email} must answer ${ChallengeName ?? "a challenge"} first.`);
    process.exit(1);
  }
  console.log(AuthenticationResult.AccessToken);
} catch (error) {
  console.error(
    `Sign-in to the local user pool at ${demo.auth.endpoint} failed (is \`npm start\` running?): ${String(error)}`,
  );
  process.exit(1);
}
