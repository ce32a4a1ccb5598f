import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadOrCreateLocalAuthorizer } from "./jwt-authorizer.ts";
import { DEMO } from "./seed.ts";

/** `npm run dev:token -- --staff alice`: a bearer token for a seeded staff member (by key or id). */

const { values } = parseArgs({ options: { staff: { type: "string" }, ttl: { type: "string" } } });
const wanted = values.staff;
const member = Object.entries(DEMO.staff).find(([key, s]) => key === wanted || s.id === wanted)?.[1];
if (!member) {
  console.error(
    `Unknown staff "${wanted ?? ""}". Seeded staff: ${Object.entries(DEMO.staff)
      .map(([k, s]) => `${k} (${s.id})`)
      .join(", ")}`,
  );
  process.exit(2);
}
const keyFile = join(process.cwd(), ".local", "jwt-key.json");
if (!existsSync(keyFile))
  console.error("No local signing key yet: the token will work once `npm start` uses this key.");
const authorizer = await loadOrCreateLocalAuthorizer(keyFile);
const token = await authorizer.issue(
  {
    merchantId: DEMO.merchantId,
    staffId: member.id,
    role: member.role,
    locations: member.locationIds === "*" ? "*" : [...member.locationIds],
  },
  values.ttl ? Number(values.ttl) : undefined,
);
console.log(token);
