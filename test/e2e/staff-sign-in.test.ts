import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refresh, signIn } from "../../docs/examples/scanner-sign-in.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// The whole path a new merchant takes, as a scanner app and a console would take it: sign-up, the owner's
// invitation and first sign-in, a location and a staff member, the member's invitation and sign-in, points
// at their location only, deactivation and reactivation. Every sign-in goes through the local user pool
// with the README's example code (docs/examples/scanner-sign-in.ts), the tokens through the gateway's
// JWKS check: nothing here is minted by the test.

let stack: TestStack;
const ownerEmail = `owner-${randomUUID().slice(0, 8)}@cafe-lumiere.example`;
const staffEmail = `marc-${randomUUID().slice(0, 8)}@cafe-lumiere.example`;
const OWNER_PASSWORD = "Owner-password-2026!";
const STAFF_PASSWORD = "Staff-password-2026!";

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const pool = () => ({
  region: stack.userPool.region,
  clientId: stack.userPool.clientId,
  endpoint: stack.userPool.endpoint,
});

/** The temporary password of the latest invitation to `to`, after `after` of them had arrived. */
async function temporaryPassword(to: string, after = 0): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mails = (await stack.mail.read()).filter((m) => m.to === to);
    const mail = mails[after];
    if (mail) {
      const password = /temporary password (\S+) \(account/.exec(mail.text)?.[1];
      if (!password) throw new Error(`no temporary password in: ${mail.text}`);
      return password;
    }
    if (Date.now() > deadline) throw new Error(`invitation ${after + 1} to ${to} never came`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const signUpBody = {
  businessName: "Café Lumière",
  ownerName: "Odile",
  ownerEmail,
  country: "FR",
  currency: "EUR",
  locale: "fr",
};

describe("from sign-up to a staff member issuing points", () => {
  let owner: string;
  let firstLocation: string;
  let programId: string;
  let shop: string;
  let staffId: string;
  let staffRefresh: string | undefined;
  let staffToken: string;
  let customerId: string;

  it("signs a merchant up with one answer for every address, and one merchant per address", async () => {
    const first = await stack.call("POST", "/v1/signup", { body: signUpBody });
    expect(first.status).toBe(202);
    // A stranger trying the same address, and the alice of the demo merchant, get the very same answer.
    const again = await stack.call("POST", "/v1/signup", {
      body: { ...signUpBody, businessName: "Squatter" },
    });
    const known = await stack.call("POST", "/v1/signup", {
      body: { ...signUpBody, ownerEmail: "alice@cafe-demo.example" },
    });
    expect(again.body).toEqual(first.body);
    expect(known.status).toBe(202);
    expect(known.body).toEqual(first.body);
    // Two invitations to the owner (the second a new temporary password), none to alice.
    await temporaryPassword(ownerEmail, 1);
    expect((await stack.mail.read()).filter((m) => m.to === "alice@cafe-demo.example")).toEqual([]);
  });

  it("lets the owner set a password from the invitation and opens the merchant", async () => {
    const temporary = await temporaryPassword(ownerEmail, 1);
    owner = (await signIn(pool(), ownerEmail, temporary, OWNER_PASSWORD)).accessToken;
    const locations = await stack.call("GET", "/v1/locations", { token: owner });
    expect(locations.status).toBe(200);
    expect(locations.body.locations).toHaveLength(1);
    firstLocation = locations.body.locations[0].id;
    programId = locations.body.locations[0].programId;
    const program = await stack.call("GET", `/v1/programs/${programId}`, { token: owner });
    expect(program.body.program.rule).toEqual({
      kind: "purchase",
      currency: "EUR",
      points: 1,
      per: "1.00",
      rounding: "down",
    });
    // The first sign-in's temporary password is spent; the chosen one works.
    expect((await signIn(pool(), ownerEmail, OWNER_PASSWORD)).accessToken).toBeTruthy();
  });

  it("creates a location and a staff member there, whose invitation arrives", async () => {
    const location = await stack.call("POST", "/v1/locations", {
      token: owner,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Lumière Gare", programId },
    });
    expect(location.status).toBe(201);
    shop = location.body.location.id;
    const key = randomUUID();
    const body = { name: "Marc", role: "staff", locationIds: [shop], email: staffEmail };
    const created = await stack.call("POST", "/v1/staff", {
      token: owner,
      headers: { "idempotency-key": key },
      body,
    });
    expect(created.status).toBe(201);
    expect(created.body.staff).toMatchObject({ email: staffEmail, hasSignIn: true, active: true });
    staffId = created.body.staff.id;
    const replay = await stack.call("POST", "/v1/staff", {
      token: owner,
      headers: { "idempotency-key": key },
      body,
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    await temporaryPassword(staffEmail);
    // The replay sent no second invitation; the same address for someone else is a 409.
    expect((await stack.mail.read()).filter((m) => m.to === staffEmail)).toHaveLength(1);
    const twice = await stack.call("POST", "/v1/staff", {
      token: owner,
      headers: { "idempotency-key": randomUUID() },
      body: { ...body, name: "Marc bis" },
    });
    expect(twice.status).toBe(409);
  });

  it("sends the invitation again with a new temporary password, which replaces the first", async () => {
    const first = await temporaryPassword(staffEmail);
    const resent = await stack.call("POST", `/v1/staff/${staffId}/invite`, {
      token: owner,
      headers: { "idempotency-key": randomUUID() },
    });
    expect(resent.status).toBe(200);
    const second = await temporaryPassword(staffEmail, 1);
    expect(second).not.toBe(first);
    await expect(signIn(pool(), staffEmail, first, STAFF_PASSWORD)).rejects.toThrow();
    const tokens = await signIn(pool(), staffEmail, second, STAFF_PASSWORD);
    staffToken = tokens.accessToken;
    staffRefresh = tokens.refreshToken;
    // Once the password is chosen, there is nothing to resend.
    const late = await stack.call("POST", `/v1/staff/${staffId}/invite`, {
      token: owner,
      headers: { "idempotency-key": randomUUID() },
    });
    expect(late.status).toBe(409);
  });

  it("lets the member issue points at their location and refuses them elsewhere", async () => {
    const customer = await stack.call("POST", "/v1/customers", {
      token: owner,
      headers: { "idempotency-key": randomUUID() },
      body: { name: "Jeanne Client", locale: "fr" },
    });
    expect(customer.status).toBe(201);
    customerId = customer.body.customer.id;
    const earn = (locationId: string, token = staffToken) =>
      stack.call("POST", "/v1/transactions", {
        token,
        headers: { "idempotency-key": randomUUID() },
        body: { customerId, locationId, type: "purchase", amount: "12.90", currency: "EUR" },
      });
    const here = await earn(shop);
    expect(here.status).toBe(201);
    expect(here.body.transaction).toMatchObject({ points: 12, staffId, locationId: shop });
    expect((await earn(firstLocation)).status).toBe(403);
  });

  it("locks the member out at once when deactivated, and lets them back in when reactivated", async () => {
    const off = await stack.call("PATCH", `/v1/staff/${staffId}`, { token: owner, body: { active: false } });
    expect(off.status).toBe(200);
    expect(off.body.staff.active).toBe(false);
    // The token in hand is refused on the next request; the device cannot get another one.
    expect((await stack.call("GET", "/v1/locations", { token: staffToken })).status).toBe(401);
    if (!staffRefresh) throw new Error("no refresh token");
    await expect(refresh(pool(), staffRefresh)).rejects.toThrow();
    await expect(signIn(pool(), staffEmail, STAFF_PASSWORD)).rejects.toThrow(/disabled/i);

    const on = await stack.call("PATCH", `/v1/staff/${staffId}`, { token: owner, body: { active: true } });
    expect(on.status).toBe(200);
    const back = (await signIn(pool(), staffEmail, STAFF_PASSWORD)).accessToken;
    expect((await stack.call("GET", "/v1/locations", { token: back })).status).toBe(200);
  });

  it("never lets the member's token reach another merchant's data", async () => {
    const back = (await signIn(pool(), staffEmail, STAFF_PASSWORD)).accessToken;
    const demo = await stack.call("GET", "/v1/customers/cus_camille", { token: back });
    expect(demo.status).toBe(404);
  });
});
