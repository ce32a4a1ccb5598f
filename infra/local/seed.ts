import { walletLinks } from "../../passes/download-links.ts";
import type { Clock } from "../../shared/clock.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { createLocation, createMerchant, createProgram, createStaff } from "../../shared/merchants/setup.ts";
import type { Program, Staff } from "../../shared/model.ts";
import type { Db } from "../../shared/store/db/client.ts";

/** The demo merchant that `npm start` creates; fixed ids so the README's curl examples work as written. */
export const DEMO = {
  merchantId: "demo",
  locations: {
    "paris-01": { id: "paris-01", name: "Paris 01", programId: "prog_paris-01" },
    "lyon-01": { id: "lyon-01", name: "Lyon 01", programId: "prog_lyon-01" },
  },
  staff: {
    alice: { id: "staff_alice", name: "Alice", role: "owner", locationIds: "*" },
    bob: { id: "staff_bob", name: "Bob", role: "staff", locationIds: ["paris-01"] },
  },
  customers: {
    camille: {
      id: "cus_camille",
      name: "Camille Martin",
      phone: "+33612345678",
      email: "camille@example.com",
      barcode: "DEMOCAMILLE7Q4XK9TZ",
    },
  },
} as const;

export async function seedDemo(deps: { db: Db; clock: Clock }): Promise<void> {
  const { db } = deps;
  const now = deps.clock().toISOString();
  const merchantId = DEMO.merchantId;
  await createMerchant(db, {
    id: merchantId,
    name: "Café Démo",
    country: "FR",
    currency: "EUR",
    expiry: { kind: "rolling", days: 365 },
    // A merchant of two years' standing, so the demo's back-dated claims and manual points are in range
    // (shared/bounds.ts: nothing happened at a merchant before it existed).
    createdAt: new Date(deps.clock().getTime() - 2 * 365 * 24 * 3600_000).toISOString(),
  });
  const programs: Program[] = [
    {
      merchantId,
      id: DEMO.locations["paris-01"].programId,
      name: "Points Paris",
      version: 1,
      rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" },
      expiry: { kind: "rolling", days: 365 },
      updatedAt: now,
    },
    {
      merchantId,
      id: DEMO.locations["lyon-01"].programId,
      name: "Visites Lyon",
      version: 1,
      rule: { kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 60 },
      updatedAt: now,
    },
  ];
  for (const program of programs) await createProgram(db, program);
  for (const location of Object.values(DEMO.locations)) {
    await createLocation(db, { merchantId, ...location, createdAt: now });
  }
  for (const staff of Object.values(DEMO.staff)) {
    await createStaff(db, {
      merchantId,
      ...staff,
      role: staff.role,
      locationIds: staff.locationIds === "*" ? "*" : [...staff.locationIds],
      active: true,
      createdAt: now,
    } satisfies Staff);
  }
  const camille = DEMO.customers.camille;
  await enrolCustomer({ ...deps, walletLinks }, merchantId, {
    locale: "fr",
    marketingConsent: true,
    ...camille,
  });
}
