import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localFileOptionsFromEnv, localFileStore } from "../../shared/files/local-store.ts";
import { asCustomer, earn, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Exports through the local stack: CSV files of the members and of the activity log, compared row by row
 * with what the API lists; the member's access export, from staff and from the portal; the link's token
 * and expiry; another merchant and staff without `data:export` kept out.
 */

let stack: TestStack;
let alice: string;
let bob: string;
let mallory: string;
const tag = randomUUID().slice(0, 6);
let formula: string;
let quoted: string;
let accented: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ alice, bob, mallory } = await stack.tokens());
  const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  formula = await enrolCustomer(stack, { name: `=HYPERLINK("x") ${tag}`, phone: `+336${digits()}` });
  quoted = await enrolCustomer(stack, {
    name: `Dupont, "Jo" ${tag}`,
    email: `jo.${tag}@example.com`,
    phone: `+337${digits()}`,
  });
  accented = await enrolCustomer(stack, { name: `Hélène Zoé ${tag}`, email: `helene.${tag}@example.com` });
  for (const customerId of [formula, quoted, accented, quoted]) {
    await earn(stack, {
      customerId,
      locationId: "paris-01",
      type: "purchase",
      amount: "12.50",
      currency: "EUR",
    });
  }
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const post = (path: string, body?: unknown, token = alice, key = randomUUID()) =>
  stack.call("POST", path, {
    token,
    ...(body === undefined ? {} : { body }),
    headers: { "idempotency-key": key },
  });

/** RFC 4180 parsing, strict: a test that shares the writer's mistakes would prove nothing. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quotedCell = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quotedCell) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quotedCell = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === "") quotedCell = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else if (c === "\n" || c === "\r") throw new Error(`bare line break at ${i}`);
    else cell += c;
    i++;
  }
  expect(cell === "" && row.length === 0, "the file ends with CRLF").toBe(true);
  return rows;
}

async function download(link: string): Promise<string> {
  const response = await fetch(link);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer()).toString("utf8");
}

function records(text: string): Record<string, string>[] {
  expect(text.startsWith("\uFEFF")).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return rows.map((row) => {
    expect(row.length).toBe(header?.length);
    return Object.fromEntries((header as string[]).map((name, i) => [name, row[i] as string]));
  });
}

describe("members CSV", () => {
  it("lists every member once, as GET /v1/customers shows them, quoted and formula-guarded", async () => {
    const created = await post("/v1/exports", { kind: "members" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const text = await download(created.body.export.link);
    expect(text).toContain(`"Dupont, ""Jo"" ${tag}"`);
    expect(text).toContain(`"'=HYPERLINK(""x"") ${tag}"`);
    const rows = records(text);
    expect(created.body.export.rows).toBe(rows.length);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [formula, quoted, accented]) {
      const { customer } = (await stack.call("GET", `/v1/customers/${id}`, { token: alice })).body;
      const row = rows.find((r) => r.id === id);
      expect(row, id).toBeDefined();
      // E.164 phones start with "+": guarded too, which also keeps Excel from turning them into numbers.
      const guarded = (value: string | undefined) =>
        value && /^[=+\-@]/.test(value) ? `'${value}` : (value ?? "");
      expect(row).toMatchObject({
        name: guarded(customer.name),
        phone: guarded(customer.phone),
        email: customer.email ?? "",
        balance: String(customer.balance),
        locale: customer.locale,
      });
    }
    // The other merchant's customers are not in it.
    expect(ids.every((id) => !id?.includes("other"))).toBe(true);
  });

  it("a retry with the same key gets the same export; GET renews the link", async () => {
    const key = randomUUID();
    const first = await post("/v1/exports", { kind: "members" }, alice, key);
    const again = await post("/v1/exports", { kind: "members" }, alice, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.export.id).toBe(first.body.export.id);
    const got = await stack.call("GET", `/v1/exports/${first.body.export.id}`, { token: alice });
    expect(got.status).toBe(200);
    expect(got.body.export).toMatchObject({ id: first.body.export.id, kind: "members", status: "ready" });
    expect(await download(got.body.export.link)).toBe(await download(first.body.export.link));
  });
});

describe("activity CSV", () => {
  async function listed(from: string, to: string) {
    const rows: { id: string; points: number; createdAt: string; customer: { id: string } }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await stack.call("GET", `/v1/activity?${query}`, { token: alice });
      expect(page.status).toBe(200);
      rows.push(...page.body.rows);
      cursor = page.body.nextCursor;
    } while (cursor);
    return rows;
  }

  it("holds exactly the rows GET /v1/activity lists for the range, bounds included", async () => {
    const all = await listed("2000-01-01T00:00:00.000Z", new Date(Date.now() + 60_000).toISOString());
    const ours = all.filter((r) => [formula, quoted, accented].includes(r.customer.id));
    expect(ours.length).toBeGreaterThanOrEqual(4);
    // Newest first: bound the range on the second newest and the second oldest of ours, inclusive.
    const to = (ours[1] as { createdAt: string }).createdAt;
    const from = (ours[ours.length - 2] as { createdAt: string }).createdAt;
    const expected = await listed(from, to);
    const created = await post("/v1/exports", { kind: "activity", from, to });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.export).toMatchObject({ kind: "activity", from, to });
    const rows = records(await download(created.body.export.link));
    expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(rows.map((r) => Number(r.points))).toEqual(expected.map((r) => r.points));
    expect(rows[0]?.createdAt).toBe(to);
    expect(rows.at(-1)?.createdAt).toBe(from);
    const quotedRow = rows.find((r) => r.customerId === quoted);
    if (quotedRow) expect(quotedRow.customerName).toBe(`Dupont, "Jo" ${tag}`);
  });

  it("refuses a range backwards, or a range on a members export, naming the field", async () => {
    const backwards = await post("/v1/exports", { kind: "activity", from: "2026-02-01", to: "2026-01-01" });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain("from");
    const members = await post("/v1/exports", { kind: "members", from: "2026-01-01" });
    expect(members.status).toBe(400);
    expect((await post("/v1/exports", { kind: "everything" })).status).toBe(400);
  });
});

describe("access export", () => {
  async function accessDocument(link: string) {
    const text = await download(link);
    return { text, doc: JSON.parse(text) };
  }

  it("staff get everything held about the member, and nothing of another member", async () => {
    const created = await post(`/v1/customers/${quoted}/export`);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { text, doc } = await accessDocument(created.body.export.link);
    const { customer } = (await stack.call("GET", `/v1/customers/${quoted}`, { token: alice })).body;
    expect(doc.profile).toMatchObject({
      id: quoted,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
    });
    expect(doc.contacts).toEqual({ phone: customer.phone, email: customer.email });
    expect(doc.consents).toHaveProperty("marketing");
    expect(Array.isArray(doc.claims)).toBe(true);
    expect(Array.isArray(doc.passDevices)).toBe(true);
    expect(Array.isArray(doc.notificationDeliveries)).toBe(true);
    expect(Array.isArray(doc.auditTrail)).toBe(true);
    const ledger = (await stack.call("GET", `/v1/customers/${quoted}/ledger?limit=100`, { token: alice }))
      .body;
    expect(doc.entries.map((e: { id: string }) => e.id)).toEqual(
      ledger.entries.map((e: { id: string }) => e.id),
    );
    expect(doc.entries[0].explanation).toBe(ledger.entries[0].explanation);
    expect(typeof doc.entries[0].localizedExplanation).toBe("string");
    // No secret of the pass, and nothing of another member.
    expect(text).not.toContain(customer.passToken ?? "passToken-not-shown");
    expect(doc.profile).not.toHaveProperty("passToken");
    for (const other of [formula, accented]) expect(text).not.toContain(other);
    expect(text).not.toContain(`helene.${tag}`);
    expect(text).not.toContain("HYPERLINK");
  });

  it("the member downloads the same document from the portal", async () => {
    const token = await portalTokenFor(stack, accented);
    const created = await asCustomer(stack, token, "POST", "/v1/me/export", undefined, {
      "idempotency-key": randomUUID(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { text, doc } = await accessDocument(created.body.export.link);
    expect(doc.profile).toMatchObject({
      id: accented,
      name: `Hélène Zoé ${tag}`,
      email: `helene.${tag}@example.com`,
    });
    expect(doc.entries.length).toBe(1);
    expect(text).not.toContain(quoted);
    expect(
      (
        await asCustomer(stack, "not-a-token", "POST", "/v1/me/export", undefined, {
          "idempotency-key": "k1",
        })
      ).status,
    ).toBe(401);
  });

  it("holds a member to 3 new exports an hour (429, Retry-After); replays and staff are not counted", async () => {
    const member = await enrolCustomer(stack, { name: `Rate ${tag}`, email: `rate.${tag}@example.com` });
    const token = await portalTokenFor(stack, member);
    const ask = (key: string) =>
      asCustomer(stack, token, "POST", "/v1/me/export", undefined, { "idempotency-key": key });
    const first = randomUUID();
    expect((await ask(first)).status).toBe(201);
    // A replay is answered from its record, before anything is counted.
    const replay = await ask(first);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    for (let i = 0; i < 2; i++) expect((await ask(randomUUID())).status).toBe(201);
    const refused = await ask(randomUUID());
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await ask(first)).status).toBe(201);
    // Another member, and staff for this one, are not held by this member's window.
    const other = await enrolCustomer(stack, { name: `Other ${tag}`, email: `other.${tag}@example.com` });
    const otherToken = await portalTokenFor(stack, other);
    expect(
      (
        await asCustomer(stack, otherToken, "POST", "/v1/me/export", undefined, {
          "idempotency-key": randomUUID(),
        })
      ).status,
    ).toBe(201);
    expect((await post(`/v1/customers/${member}/export`)).status).toBe(201);
  });
});

describe("the request's time budget", () => {
  // A members or activity export past the budget goes to the export job (test/e2e/export-jobs.test.ts); a
  // customer's access export, bounded by one member's ledger, stays in the request and is refused.
  it("refuses a customer export that would outlast the request (422 export-too-large), keeping nothing for the key", async () => {
    const key = randomUUID();
    // The handlers read the budget per request: 1 ms is spent before the first row.
    process.env.EXPORT_BUDGET_MS = "1";
    let refused: Awaited<ReturnType<typeof post>>;
    try {
      refused = await post(`/v1/customers/${quoted}/export`, undefined, alice, key);
    } finally {
      delete process.env.EXPORT_BUDGET_MS;
    }
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: "https://loyalty-wallet.dev/problems/export-too-large",
      rowsWritten: expect.any(Number),
    });
    // Nothing was recorded under the key: the same request, now within budget, is produced.
    const produced = await post(`/v1/customers/${quoted}/export`, undefined, alice, key);
    expect(produced.status).toBe(201);
    expect(produced.headers.get("idempotent-replayed")).toBeNull();
    expect(produced.body.export).toMatchObject({ kind: "customer", status: "ready", attempts: 0 });
  });
});

describe("access control and links", () => {
  it("another merchant gets 404; staff without data:export get 403; nothing is produced", async () => {
    const mine = await post("/v1/exports", { kind: "members" });
    expect((await stack.call("GET", `/v1/exports/${mine.body.export.id}`, { token: mallory })).status).toBe(
      404,
    );
    expect((await post(`/v1/customers/${quoted}/export`, undefined, mallory)).status).toBe(404);
    const denied = await post("/v1/exports", { kind: "members" }, bob);
    expect(denied.status).toBe(403);
    expect((await post(`/v1/customers/${quoted}/export`, undefined, bob)).status).toBe(403);
    expect((await stack.call("GET", `/v1/exports/${mine.body.export.id}`, { token: bob })).status).toBe(403);
    expect(
      (await stack.call("GET", "/v1/exports/exp_01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: alice })).status,
    ).toBe(404);
  });

  it("a link with a changed token or expiry, or past its expiry, is refused", async () => {
    const { link } = (await post("/v1/exports", { kind: "members" })).body.export;
    const url = new URL(link);
    const token = url.searchParams.get("token") as string;
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);
    const forged = new URL(link);
    forged.searchParams.set("token", `${token.slice(0, -2)}AA`);
    expect((await fetch(forged)).status).toBe(403);
    const longer = new URL(link);
    longer.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
    expect((await fetch(longer)).status).toBe(403);
    const noToken = new URL(link);
    noToken.searchParams.delete("token");
    expect((await fetch(noToken)).status).toBe(403);
    // A correctly signed link whose time has passed.
    const key = decodeURIComponent(url.pathname.replace(/^\/local-files\//, ""));
    const expired = await localFileStore(localFileOptionsFromEnv()).link(
      key,
      new Date(Date.now() - 1000),
      "x.csv",
    );
    const answer = await fetch(expired);
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain("expired");
  });
});
