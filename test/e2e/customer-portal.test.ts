import { execFile } from "node:child_process";
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { verifyStatement } from "../../shared/statements/verify.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import {
  asCustomer,
  earn,
  enrolCustomer,
  portalLinkFor,
  portalTokenFor,
  tokenOf,
} from "../support/portal.ts";
import { OTHER_MERCHANT, startTestStack, type TestStack } from "../support/test-stack.ts";

const camille = DEMO.customers.camille;
let stack: TestStack;
let camilleToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  camilleToken = await portalTokenFor(stack, camille.id);
  await earn(stack, {
    customerId: camille.id,
    locationId: "paris-01",
    type: "purchase",
    amount: "23.40",
    currency: "EUR",
  });
  await earn(stack, { customerId: camille.id, locationId: "lyon-01", type: "visit" });
});
afterAll(() => stack?.close());

const me = (token: string, method = "GET", path = "/v1/me", body?: unknown) =>
  asCustomer(stack, token, method, path, body);

/** The same token with one payload claim changed and the original signature kept. */
function alter(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = { ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), ...changes };
  return [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
}

/** A well-formed token for `claims`, signed with a key the merchant never had, under the real key id. */
function forge(token: string, changes: Record<string, unknown> = {}): string {
  const header = decodeProtectedHeader(token);
  const claims = { ...decodeJwt(token), ...changes };
  const { privateKey } = generateKeyPairSync("ed25519");
  const input = [header, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".");
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString("base64url")}`;
}

describe("customer access without a password", () => {
  it("gives the balance, upcoming expiries and how each location earns, from the link's token", async () => {
    const link = await portalLinkFor(stack, camille.id);
    expect(link.startsWith(`${stack.baseUrl}/portal#t=`)).toBe(true);
    const response = await me(tokenOf(link));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toMatchObject({
      customer: { id: camille.id, name: "Camille Martin", balance: 33, locale: "fr" },
      merchant: { id: DEMO.merchantId, name: "Café Démo" },
      // Filled by the expiry work (shared/expiry/upcoming.ts); its content is tested there.
      upcomingExpiries: expect.any(Array),
      locations: [
        {
          id: "lyon-01",
          program: {
            kind: "visit",
            description: "10 points par visite (au plus une visite toutes les 60 minutes)",
          },
        },
        {
          id: "paris-01",
          program: {
            kind: "purchase",
            currency: "EUR",
            description: "1 point par tranche de 1,00 EUR dépensée, arrondi à l'inférieur",
          },
        },
      ],
    });
    expect(JSON.stringify(response.body)).not.toContain("passToken");
  });

  it("shows the history with each explanation as recorded and in the customer's language", async () => {
    const response = await me(camilleToken, "GET", "/v1/me/ledger?limit=10");
    expect(response.status).toBe(200);
    expect(
      response.body.entries.map((e: { localizedExplanation: string }) => e.localizedExplanation),
    ).toEqual([
      "1 visite × 10 points par visite → 10 points",
      "23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points",
    ]);
    expect(response.body.entries[1].explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
  });

  it("is never the pass's authentication token, nor carries anything of it", async () => {
    const customer = await readCustomer(stack.db, DEMO.merchantId, camille.id);
    const passToken = customer?.passToken ?? "";
    expect(passToken.length).toBeGreaterThan(16);
    expect(camilleToken).not.toContain(passToken);
    expect(Object.keys(decodeJwt(camilleToken)).sort()).toEqual(["aud", "iat", "iss", "mid", "sub", "ver"]);
    expect((await me(passToken)).status).toBe(401);
  });

  it("refuses no token, a staff token, an altered token and a forged one", async () => {
    expect((await stack.call("GET", "/v1/me")).status).toBe(401);
    expect((await me(await stack.token("alice"))).status).toBe(401);
    expect((await me(alter(camilleToken, { ver: 2 }))).status).toBe(401);
    expect((await me(alter(camilleToken, { aud: "something-else" }))).status).toBe(401);
    expect((await me(forge(camilleToken))).status).toBe(401);
    expect((await me(`${camilleToken.split(".").slice(0, 2).join(".")}.`)).status).toBe(401);
    const refused = await me("not-a-token");
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body.status).toBe(401);
  });

  it("never lets another customer's token reach this customer's data", async () => {
    const danaId = await enrolCustomer(stack, { name: "Dana Smith", locale: "en" });
    const dana = await portalTokenFor(stack, danaId);
    const overview = await me(dana);
    expect(overview.body.customer).toMatchObject({ id: danaId, name: "Dana Smith", balance: 0 });
    expect((await me(dana, "GET", "/v1/me/ledger")).body.entries).toEqual([]);
    // The token alone decides whose data is read: no parameter can point elsewhere.
    expect((await me(dana, "GET", `/v1/me?customerId=${camille.id}`)).status).toBe(400);
    expect((await me(dana, "GET", `/v1/me/ledger?customerId=${camille.id}`)).status).toBe(400);
    // Swapping the subject breaks the signature; a forged token for Camille is refused.
    expect((await me(alter(dana, { sub: camille.id }))).status).toBe(401);
    expect((await me(forge(dana, { sub: camille.id }))).status).toBe(401);
    const statement = await me(dana, "GET", "/v1/me/statement");
    expect(statement.body.statement).toMatchObject({ customerId: danaId, entries: [] });
    // Staff tokens of another merchant get no portal link for this merchant's customers.
    const mallory = await stack.token("mallory");
    const link = await stack.call("POST", `/v1/customers/${camille.id}/portal-link`, {
      token: mallory,
      body: {},
    });
    expect(link.status).toBe(404);
    // A customer of the other merchant only ever sees that merchant.
    const otherCustomer = await stack.call("POST", "/v1/customers", {
      token: mallory,
      body: { name: "Olga Other" },
      headers: { "idempotency-key": randomUUID() },
    });
    const otherLink = await stack.call(
      "POST",
      `/v1/customers/${otherCustomer.body.customer.id}/portal-link`,
      {
        token: mallory,
        body: {},
      },
    );
    const olga = tokenOf(otherLink.body.portalUrl);
    expect((await me(olga)).body.merchant.id).toBe(OTHER_MERCHANT.merchantId);
    expect((await me(alter(olga, { mid: DEMO.merchantId, sub: camille.id }))).status).toBe(401);
    expect((await me(forge(olga, { mid: DEMO.merchantId, sub: camille.id }))).status).toBe(401);
  });

  it("revokes: staff can invalidate every earlier link, and so can the customer", async () => {
    const id = await enrolCustomer(stack, { name: "Rev Oke" });
    const first = await portalTokenFor(stack, id);
    const second = await portalTokenFor(stack, id);
    expect((await me(first)).status).toBe(200);
    expect((await me(second)).status).toBe(200);
    const third = await portalTokenFor(stack, id, true);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await me(third)).status).toBe(200);
    const renewed = await me(third, "POST", "/v1/me/portal-link");
    expect(renewed.status).toBe(201);
    const fourth = tokenOf(renewed.body.portalUrl);
    expect((await me(third)).status).toBe(401);
    expect((await me(fourth)).status).toBe(200);
    // Another customer's links are untouched.
    expect((await me(camilleToken)).status).toBe(200);
  });

  it("lets the customer update their details; the audit trail names the customer", async () => {
    const id = await enrolCustomer(stack, { name: "Eve Update", locale: "fr" });
    const token = await portalTokenFor(stack, id);
    const changed = await me(token, "PATCH", "/v1/me", {
      name: "Eve Updated",
      locale: "en",
      marketingConsent: true,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.customer).toMatchObject({
      name: "Eve Updated",
      locale: "en",
      marketingConsent: true,
    });
    const audit = await stack.call("GET", `/v1/customers/${id}/audit`, { token: await stack.token("alice") });
    expect(audit.body.changes[0]).toMatchObject({ staffId: "customer" });
    // A new email or phone waits for a link sent to it: test/e2e/portal-contact-change.test.ts.
    expect((await me(token, "PATCH", "/v1/me", { balance: 1000 })).status).toBe(400);
    expect((await me(token)).body.customer.balance).toBe(0);
  });
});

describe("verifiable statement", () => {
  const jwks = async () => (await stack.call("GET", `/v1/merchants/${DEMO.merchantId}/jwks.json`)).body;

  it("is signed with a published key and holds the whole chain, as the ledger check sees it", async () => {
    const response = await me(camilleToken, "GET", "/v1/me/statement");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="statement-demo-/);
    const { statement } = response.body;
    const ledger = await stack.call("GET", `/v1/customers/${camille.id}/ledger/verify`, {
      token: await stack.token("alice"),
    });
    expect(statement.head).toEqual({ seq: 2, hash: ledger.body.head, balance: 33 });
    expect(statement.jwksUrl).toBe(`${stack.baseUrl}/v1/merchants/demo/jwks.json`);
    const keys = await jwks();
    expect(keys.keys).toEqual([expect.objectContaining({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" })]);
    expect(await verifyStatement(response.body, keys)).toMatchObject({
      valid: true,
      signature: { valid: true, kid: keys.keys[0].kid },
      chain: { valid: true, entries: 2 },
    });
  });

  it("keeps verifying across one rotation; the key before that is no longer published", async () => {
    const alice = await stack.token("alice");
    const before = (await me(camilleToken, "GET", "/v1/me/statement")).body;
    expect(
      (await stack.call("POST", "/v1/statement-keys/rotate", { token: await stack.token("bob") })).status,
    ).toBe(403);
    const mallory = await stack.call("POST", "/v1/statement-keys/rotate", {
      token: await stack.token("mallory"),
    });
    expect(mallory.status).toBe(200);
    const [oldKey] = (await jwks()).keys;
    const rotated = await stack.call("POST", "/v1/statement-keys/rotate", { token: alice });
    expect(rotated.status).toBe(200);
    expect(rotated.body.keys.map((k: { kid: string }) => k.kid)).toEqual([expect.any(String), oldKey.kid]);
    expect((await verifyStatement(before, await jwks())).valid).toBe(true);
    const after = (await me(camilleToken, "GET", "/v1/me/statement")).body;
    expect((await verifyStatement(after, await jwks())).signature).toEqual({
      valid: true,
      kid: rotated.body.keys[0].kid,
    });
    await stack.call("POST", "/v1/statement-keys/rotate", { token: alice });
    expect((await verifyStatement(before, await jwks())).signature).toEqual({
      valid: false,
      reason: "no key in the key set matches the signature's key id",
    });
    expect((await verifyStatement(after, await jwks())).valid).toBe(true);
  });

  it("`npm run verify-statement` checks a file offline, and fails a tampered one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "statement-"));
    try {
      const document = (await me(camilleToken, "GET", "/v1/me/statement")).body;
      const files = {
        good: join(dir, "good.json"),
        bad: join(dir, "bad.json"),
        jwks: join(dir, "jwks.json"),
      };
      const tampered = structuredClone(document);
      tampered.statement.entries[0].points += 100;
      await Promise.all([
        writeFile(files.good, JSON.stringify(document)),
        writeFile(files.bad, JSON.stringify(tampered)),
        writeFile(files.jwks, JSON.stringify(await jwks())),
      ]);
      const run = (file: string) =>
        promisify(execFile)("npm", ["run", "-s", "verify-statement", "--", file, "--jwks", files.jwks], {
          env: { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` },
        }).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      const [good, bad] = await Promise.all([run(files.good), run(files.bad)]);
      expect(good.code).toBe(0);
      expect(good.stdout).toContain("The statement is valid.");
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("signature: NOT VALID: the statement is not the one that was signed");
      expect(bad.stdout).toContain("chain: NOT VALID at entry");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("publishes no keys for a merchant that does not exist", async () => {
    expect((await stack.call("GET", "/v1/merchants/nobody/jwks.json")).status).toBe(404);
  });
});
