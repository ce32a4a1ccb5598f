import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { resetNotificationConfig } from "../../shared/notifications/config.ts";
import { mailsTo, readEml } from "../support/mail.ts";
import { asCustomer, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Issue 13 point 4: a new email or phone from the portal is verified by a link sent to it, and asking
 * never tells whether another member holds the address.
 */

const camille = DEMO.customers.camille;
let stack: TestStack;
let smsDir: string;
let alice: string;

beforeAll(async () => {
  // The local stack's SMS sink (shared/notifications/sms-sender.ts); read back below.
  smsDir = await mkdtemp(join(tmpdir(), "sms-e2e-"));
  process.env.SMS_SINK_DIR = smsDir;
  stack = await startTestStack({ notifications: true });
  alice = await stack.token("alice");
});
afterAll(async () => {
  await stack?.close();
  delete process.env.SMS_SINK_DIR;
  if (smsDir) await rm(smsDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** A member with a portal token; `email`/`phone` as enrolled. */
async function member(details: Record<string, unknown> = {}) {
  const id = await enrolCustomer(stack, { name: "Nina Verify", locale: "en", ...details });
  return { id, token: await portalTokenFor(stack, id) };
}

const patchMe = (token: string, body: unknown) => asCustomer(stack, token, "PATCH", "/v1/me", body);
const confirm = (token: unknown) => stack.call("POST", "/v1/me/contact/confirm", { body: { token } });
const staffView = async (id: string) =>
  (await stack.call("GET", `/v1/customers/${id}`, { token: alice })).body.customer;
const audit = async (id: string) =>
  (await stack.call("GET", `/v1/customers/${id}/audit`, { token: alice })).body.changes as {
    staffId: string;
    fields: string[];
  }[];
const search = async (q: string) =>
  (await stack.call("GET", `/v1/customers?q=${encodeURIComponent(q)}`, { token: alice })).body.customers.map(
    (c: { id: string }) => c.id,
  );

/** The confirmation token in the newest email to `address`. */
async function mailedToken(address: string): Promise<string> {
  const mail = await stack.notifications?.mail.waitFor(
    (m) => m.to.includes(address) && /Confirm/.test(m.subject),
    5_000,
  );
  expect(mail).toBeDefined();
  const all = mailsTo(stack.notifications?.mail.mails ?? [], address);
  const eml = await readEml(all[all.length - 1]?.file ?? "");
  const token = /\/portal#confirm=(\S+)/.exec(eml.text)?.[1];
  expect(token, eml.text).toBeDefined();
  return token as string;
}

/** The text messages written by the local SMS sink to `number`, oldest first. */
async function textsTo(number: string): Promise<string[]> {
  const files = (await readdir(smsDir)).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(smsDir, f), "utf8")));
  return texts.filter((t) => t.startsWith(`To: ${number}\n`));
}

/** The answer with the address and the expiry replaced, to compare two answers byte for byte. */
const shape = (response: { status: number; headers: Headers; body: unknown }, address: string) => ({
  status: response.status,
  contentType: response.headers.get("content-type"),
  body: JSON.stringify(response.body)
    .replaceAll(address, "<address>")
    .replace(/"expiresAt":"[^"]+"/, '"expiresAt":"<time>"'),
});

describe("PATCH /v1/me with a new email", () => {
  it("answers byte for byte the same for another member's address and a free one, and changes nothing", async () => {
    const own = unique("nina");
    const nina = await member({ email: own });
    const free = unique("free");
    const taken = await patchMe(nina.token, { email: camille.email });
    const open = await patchMe(nina.token, { email: free });
    expect(taken.status).toBe(202);
    expect(shape(taken, camille.email)).toEqual(shape(open, free));
    expect(open.body).toMatchObject({ pending: { email: free }, changed: [] });
    expect(open.body.customer.email).toBe(own);
    expect((await staffView(nina.id)).email).toBe(own);
    // Nothing moved: the address is still free, Camille still holds hers, Nina still has her old one.
    expect(await search(free)).toEqual([]);
    expect(await search(camille.email)).toEqual([camille.id]);
    expect(await audit(nina.id)).toEqual([]);
    // Both addresses got a link: the request never looked at who holds them.
    await mailedToken(camille.email);
    await mailedToken(free);
  });

  it("applies the other fields at once and says which address waits for its link", async () => {
    const nina = await member({ email: unique("old") });
    const next = unique("next");
    const response = await patchMe(nina.token, { name: "Nina Verified", email: next, locale: "fr" });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      customer: { name: "Nina Verified", locale: "fr" },
      changed: ["name", "locale"],
      pending: { email: next },
      message: expect.stringContaining(next),
    });
    expect(Date.parse(response.body.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const mail = await stack.notifications?.mail.waitFor((m) => m.to.includes(next), 5_000);
    const eml = await readEml(mail?.file ?? "");
    // In the member's language (just changed to French), naming the shop, never the member.
    expect(eml.subject).toBe("Confirmez votre adresse e-mail pour Café Démo");
    expect(eml.text).not.toContain("Nina");
    expect(eml.html).toContain(`href="${stack.baseUrl}/portal#confirm=`);
  });

  it("removes an email at once: nothing to verify", async () => {
    const nina = await member({ email: unique("gone") });
    const response = await patchMe(nina.token, { email: null });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ customer: { email: null }, changed: ["email"] });
    expect(response.body.pending).toBeUndefined();
  });

  it("refuses an unverifiable email alike for every address when the deployment sends no email", async () => {
    const nina = await member();
    const saved = process.env.SES_FROM_ADDRESS;
    delete process.env.SES_FROM_ADDRESS;
    resetNotificationConfig();
    try {
      const free = unique("nomail");
      const taken = await patchMe(nina.token, { email: camille.email });
      const open = await patchMe(nina.token, { email: free });
      expect(taken.status).toBe(400);
      expect(shape(taken, camille.email)).toEqual(shape(open, free));
      expect(open.body.errors).toEqual([{ field: "email", reason: expect.stringContaining("ask the shop") }]);
    } finally {
      process.env.SES_FROM_ADDRESS = saved;
      resetNotificationConfig();
    }
  });

  it("sends at most 5 links a day for one field", async () => {
    const nina = await member();
    for (let i = 0; i < 5; i++) {
      expect((await patchMe(nina.token, { email: unique(`try${i}`) })).status).toBe(202);
    }
    const sixth = await patchMe(nina.token, { email: unique("try5") });
    expect(sixth.status).toBe(409);
    expect(sixth.body.detail).toMatch(/Too many confirmation links/);
  });
});

describe("POST /v1/me/contact/confirm", () => {
  it("moves the address onto the card once, audits it, and answers a replay the same without writing", async () => {
    const old = unique("before");
    const nina = await member({ email: old });
    const next = unique("after");
    expect((await patchMe(nina.token, { email: next })).status).toBe(202);
    const token = await mailedToken(next);

    const first = await confirm(token);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toEqual({ confirmed: { email: next }, message: expect.stringContaining(next) });
    expect((await asCustomer(stack, nina.token, "GET", "/v1/me")).body.customer.email).toBe(next);
    expect(await search(next)).toEqual([nina.id]);
    expect(await search(old)).toEqual([]);
    expect(await audit(nina.id)).toEqual([
      expect.objectContaining({ staffId: "customer", fields: ["email"] }),
    ]);

    const again = await confirm(token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await audit(nina.id)).toHaveLength(1);
  });

  it("confirms concurrently once", async () => {
    const nina = await member();
    const next = unique("race");
    await patchMe(nina.token, { email: next });
    const token = await mailedToken(next);
    const answers = await Promise.all([confirm(token), confirm(token), confirm(token)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await audit(nina.id)).toHaveLength(1);
  });

  it("fails without a write, saying nothing about who holds it, when the address was taken meanwhile", async () => {
    const nina = await member({ email: unique("mine") });
    const wanted = unique("contested");
    await patchMe(nina.token, { email: wanted });
    const token = await mailedToken(wanted);
    // Someone else gets the address first, through the shop.
    const other = await enrolCustomer(stack, { name: "Oscar First", email: wanted });

    const refused = await confirm(token);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      type: "https://loyalty-wallet.dev/problems/conflict",
      title: "Conflict",
      status: 409,
      detail: "This change could not be made. Ask the shop for help if you still want it.",
    });
    expect((await staffView(nina.id)).email).not.toBe(wanted);
    expect(await search(wanted)).toEqual([other]);
    expect(await audit(nina.id)).toEqual([]);
    expect((await confirm(token)).body).toEqual(refused.body);

    // Once the address is free again, the same link still works until it expires.
    await stack.call("PATCH", `/v1/customers/${other}`, { token: alice, body: { email: null } });
    expect((await confirm(token)).status).toBe(200);
    expect(await search(wanted)).toEqual([nina.id]);
  });

  it("refuses an expired link", async () => {
    const nina = await member();
    const next = unique("late");
    await patchMe(nina.token, { email: next });
    const token = await mailedToken(next);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 24 * 3600 * 1000 + 1000 });
    const late = await confirm(token);
    vi.useRealTimers();
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual([{ field: "token", reason: expect.stringMatching(/^has expired/) }]);
    expect((await staffView(nina.id)).email).toBeNull();
  });

  it("refuses a link replaced by a newer request, one whose portal links were revoked, and a forged one", async () => {
    const nina = await member();
    const first = unique("first");
    await patchMe(nina.token, { email: first });
    const replaced = await mailedToken(first);
    const second = unique("second");
    await patchMe(nina.token, { email: second });
    const current = await mailedToken(second);
    expect((await confirm(replaced)).status).toBe(400);

    const revoked = await asCustomer(stack, nina.token, "POST", "/v1/me/portal-link");
    expect(revoked.status).toBe(201);
    const afterRevocation = await confirm(current);
    expect(afterRevocation.status).toBe(400);
    expect(afterRevocation.body.errors[0]).toMatchObject({ field: "token" });

    const [m, c, f] = current.split(".");
    const forged = `${m}.${c}.${f}.${"A".repeat(32)}`;
    for (const bad of [forged, "not-a-token", `${m}.${c}.x.${"A".repeat(32)}`, 42]) {
      expect((await confirm(bad)).status).toBe(400);
    }
    expect((await staffView(nina.id)).email).toBeNull();
    expect(await audit(nina.id)).toEqual([]);
  });
});

describe("a new phone number from the portal", () => {
  it("gets a text message with the link, answering alike for a taken and a free number", async () => {
    const nina = await member();
    const free = "+33 6 98 76 54 32";
    const textsToCamille = (await textsTo(camille.phone)).length;
    const taken = await patchMe(nina.token, { phone: "06 12 34 56 78" });
    const open = await patchMe(nina.token, { phone: free });
    expect(taken.status).toBe(202);
    expect(shape(taken, camille.phone)).toEqual(shape(open, "+33698765432"));
    expect(open.body.pending).toEqual({ phone: "+33698765432" });
    expect((await staffView(nina.id)).phone).toBeNull();

    const texts = await textsTo("+33698765432");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Café Démo");
    expect(await textsTo(camille.phone)).toHaveLength(textsToCamille + 1);
    const token = /\/portal#confirm=(\S+)/.exec(texts[0] ?? "")?.[1];
    const confirmed = await confirm(token);
    expect(confirmed.body).toEqual({ confirmed: { phone: "+33698765432" }, message: expect.any(String) });
    expect((await staffView(nina.id)).phone).toBe("+33698765432");
    expect(await audit(nina.id)).toEqual([
      expect.objectContaining({ staffId: "customer", fields: ["phone"] }),
    ]);
  });

  it("cannot take another member's number by confirming", async () => {
    const nina = await member();
    await patchMe(nina.token, { phone: camille.phone });
    const text = (await textsTo(camille.phone)).at(-1) ?? "";
    const token = /\/portal#confirm=(\S+)/.exec(text)?.[1];
    const refused = await confirm(token);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).not.toMatch(/phone|already/i);
    expect((await staffView(nina.id)).phone).toBeNull();
    expect(await search(camille.phone)).toEqual([camille.id]);
  });
});

describe("staff", () => {
  it("still change an email directly, and are told when another customer holds it", async () => {
    const nina = await member();
    const direct = unique("direct");
    const changed = await stack.call("PATCH", `/v1/customers/${nina.id}`, {
      token: alice,
      body: { email: direct },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.customer.email).toBe(direct);
    const taken = await stack.call("PATCH", `/v1/customers/${nina.id}`, {
      token: alice,
      body: { email: camille.email },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.field).toBe("email");
  });
});
