import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { walletLinks } from "../../passes/download-links.ts";
import type { Clock } from "../../shared/clock.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { createLocation, createMerchant, createProgram, createStaff } from "../../shared/merchants/setup.ts";
import type { Program, Staff } from "../../shared/model.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { type UserPoolRef, userPoolClient } from "./user-pool/client.ts";

/** The demo merchant that `npm start` creates; fixed ids so the README's curl examples work as written. */
export const DEMO = {
  merchantId: "demo",
  locations: {
    "paris-01": { id: "paris-01", name: "Paris 01", programId: "prog_paris-01" },
    "lyon-01": { id: "lyon-01", name: "Lyon 01", programId: "prog_lyon-01" },
  },
  // The passwords meet the user pool's policy (12+ characters, upper and lower case, a digit, a symbol).
  staff: {
    alice: {
      id: "staff_alice",
      name: "Alice",
      role: "owner",
      locationIds: "*",
      email: "alice@cafe-demo.example",
      password: "Alice-demo-2024!",
    },
    bob: {
      id: "staff_bob",
      name: "Bob",
      role: "staff",
      locationIds: ["paris-01"],
      email: "bob@cafe-demo.example",
      password: "Bob-demo-pass-2024!",
    },
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

export async function seedDemo(deps: { db: Db; clock: Clock; userPool?: UserPoolRef }): Promise<void> {
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
  // With a user pool, each staff record names its sign-in, as one created through the API would.
  const signIns = deps.userPool ? await seedDemoSignIns(deps.userPool) : {};
  for (const { password: _password, ...staff } of Object.values(DEMO.staff)) {
    const signInUser = signIns[staff.id];
    await createStaff(db, {
      merchantId,
      ...staff,
      ...(signInUser ? { signInUser } : {}),
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
    // Seeded, not joined: no Welcome e-mail at every start.
    welcome: false,
    ...camille,
  });
}

const ROLES = ["owner", "manager", "staff"] as const;

/**
 * A sign-in for each demo staff member, with its password set for good and its role's group, as an owner's
 * invitation would leave it once accepted. The pool outlives `npm start` while the table does not, so a
 * user left by an earlier run is put back as the seed describes it (enabled, its role's group only).
 */
export async function seedDemoSignIns(pool: UserPoolRef): Promise<Record<string, string>> {
  const client = userPoolClient(pool);
  const UserPoolId = pool.userPoolId;
  const usernames: Record<string, string> = {};
  try {
    for (const member of Object.values(DEMO.staff)) {
      const Username = member.email;
      try {
        usernames[member.id] =
          (await client.send(new AdminGetUserCommand({ UserPoolId, Username }))).Username ?? "";
      } catch (error) {
        if (!(error instanceof UserNotFoundException)) throw error;
        const created = await client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username,
            MessageAction: "SUPPRESS",
            UserAttributes: [
              { Name: "email", Value: member.email },
              { Name: "email_verified", Value: "true" },
              { Name: "name", Value: member.name },
              { Name: "custom:merchant_id", Value: DEMO.merchantId },
              { Name: "custom:staff_id", Value: member.id },
            ],
          }),
        );
        usernames[member.id] = created.User?.Username ?? "";
      }
      await client.send(
        new AdminSetUserPasswordCommand({ UserPoolId, Username, Password: member.password, Permanent: true }),
      );
      await client.send(new AdminEnableUserCommand({ UserPoolId, Username }));
      for (const role of ROLES) {
        const GroupName = role;
        await client.send(
          role === member.role
            ? new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName })
            : new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName }),
        );
      }
    }
    return usernames;
  } finally {
    client.destroy();
  }
}
