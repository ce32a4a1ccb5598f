import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { get } from "node:http";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { verifyStatement } from "../../shared/statements/verify.ts";
import { accessibilityViolations, chromiumAvailable, launchFreshProfile } from "../support/browser.ts";
import { assertConforms, checkBrowserTraffic } from "../support/openapi-validator.ts";
import { asCustomer, earn, enrolCustomer, portalLinkFor, tokenOf } from "../support/portal.ts";
import { setProgramTiers, twelveMonthTiers } from "../support/program-tiers.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * The portal in a real headless Chromium (Debian's package, driven by playwright-core: no browser download).
 * Without /usr/bin/chromium the suite is skipped locally, with a message; in CI it fails.
 */
const available = chromiumAvailable("portal browser tests");

const SCREENSHOTS = new URL("./__screenshots__/", import.meta.url).pathname;
const OUTPUT = new URL("../output/", import.meta.url).pathname;
const camille = DEMO.customers.camille;
let stack: TestStack;
let closeBrowser: (() => Promise<void>) | undefined;
let browser: BrowserContext;

beforeAll(async () => {
  if (!available) return;
  stack = await startTestStack();
  await Promise.all([mkdir(SCREENSHOTS, { recursive: true }), mkdir(OUTPUT, { recursive: true })]);
  const [fresh] = await Promise.all([
    launchFreshProfile("portal", {
      locale: "fr-FR",
      timezoneId: "Europe/Paris",
      viewport: { width: 480, height: 900 },
    }),
    earn(stack, {
      customerId: camille.id,
      locationId: "paris-01",
      type: "purchase",
      amount: "23.40",
      currency: "EUR",
    }),
  ]);
  ({ context: browser, close: closeBrowser } = fresh);
  // The page's own calls are checked against docs/openapi.yaml like the test's.
  checkBrowserTraffic(browser, stack.baseUrl);
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

/** The page opened from a portal link, once the member's data is shown. */
async function open(link: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(link);
  await page.locator("#content").waitFor({ state: "visible" });
  // The history arrives after the overview: either its first entry or the "nothing yet" line.
  await page.locator("#history li, #no-history:not([hidden])").first().waitFor();
  return page;
}

/** The page updates after requests of its own: wait for it, with room for a busy test machine. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

/** A datetime-local value `minutes` ago, in the browser's time zone. */
const localTime = (page: Page, minutes: number) =>
  page.evaluate((m) => {
    const d = new Date(Date.now() - m * 60_000);
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }, minutes);

interface ClaimForm {
  minutesAgo: number;
  location: string;
  amount?: string;
  receipt?: string;
}

/** The id of the element that has the focus (the test runs without the DOM's types: only the page has them). */
const focusedId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
        ?.id,
  );

/** GET with raw bytes back (no transparent decompression, unlike fetch), checked against the spec once decoded. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Headers; bytes: Buffer; decoded: Buffer }>(
    (resolve, reject) => {
      get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const bytes = Buffer.concat(chunks);
          const encoding = response.headers["content-encoding"];
          const decoded =
            encoding === "br" ? brotliDecompressSync(bytes) : encoding === "gzip" ? gunzipSync(bytes) : bytes;
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === "string") answer.set(name, value);
          }
          const status = response.statusCode ?? 0;
          assertConforms({ method: "GET", url, status, headers: answer, body: new Uint8Array(decoded) });
          resolve({ status, headers: answer, bytes, decoded });
        });
        response.on("error", reject);
      }).on("error", reject);
    },
  );
}

/** Fills the claim form as a customer would and sends it; returns what the page then says. */
async function sendClaim(page: Page, claim: ClaimForm): Promise<string> {
  const before = await page.locator("#claim-result").textContent();
  await page.getByLabel("Date et heure du passage").fill(await localTime(page, claim.minutesAgo));
  await page.getByLabel("Magasin", { exact: true }).selectOption(claim.location);
  if (claim.amount) await page.getByLabel("Montant du ticket (pour un achat)").fill(claim.amount);
  if (claim.receipt) await page.getByLabel("Numéro de ticket (facultatif)").fill(claim.receipt);
  await page.getByLabel("Que s'est-il passé ?").fill("Le passage n'a pas été scanné");
  await page.getByRole("button", { name: "Envoyer la réclamation" }).click();
  await poll(() => page.locator("#claim-result").textContent()).not.toBe(before);
  return (await page.locator("#claim-result").textContent()) ?? "";
}

describe.runIf(available)("the customer portal in Chromium", () => {
  it("serves the page compressed when the browser accepts it, and plain otherwise", async () => {
    const url = `${stack.baseUrl}/portal?lang=fr`;
    const plain = await rawGet(url, { "accept-encoding": "identity" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.decoded.toString("utf8")).toMatch(/^<!doctype html>/);
    expect(plain.headers.get("vary")).toBe("accept-language, accept-encoding");
    for (const [accept, encoding] of [
      ["gzip", "gzip"],
      ["gzip;q=0.5, br", "br"],
      ["br;q=0, *", "gzip"],
    ] as const) {
      const answer = await rawGet(url, { "accept-encoding": accept });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-encoding"), accept).toBe(encoding);
      expect(answer.headers.get("vary")).toBe("accept-language, accept-encoding");
      expect(answer.bytes.length).toBeLessThan(plain.bytes.length / 2);
      expect(Number(answer.headers.get("content-length"))).toBe(answer.bytes.length);
      expect(answer.decoded.equals(plain.decoded), accept).toBe(true);
    }
    // Chromium's own request (brotli only over HTTPS, gzip here) gets a compressed page that it renders.
    const page = await browser.newPage();
    const response = await page.goto(`${stack.baseUrl}/portal`);
    const asked = (await response?.request().allHeaders())?.["accept-encoding"] ?? "";
    expect((await response?.allHeaders())?.["content-encoding"]).toBe(/\bbr\b/.test(asked) ? "br" : "gzip");
    expect(await page.locator("#status").textContent()).toBe(
      "Ouvrez ce portail depuis le lien de votre carte de fidélité.",
    );
    await page.close();
  });

  it("shows the balance, expiries, earning rules and the explained history in French", async () => {
    const page = await open(await portalLinkFor(stack, camille.id));
    expect(page.url()).toBe(`${stack.baseUrl}/portal`);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("h1").textContent()).toBe("Ma carte de fidélité");
    expect(await page.locator("#merchant").textContent()).toBe("Café Démo");
    expect(await page.locator("#balance").textContent()).toBe("23");
    expect(await page.locator("#rules").textContent()).toContain(
      "1 point par tranche de 1,00 EUR dépensée, arrondi à l'inférieur",
    );
    const expiries = await page.locator("#expiries li").count();
    expect(expiries > 0 || (await page.locator("#no-expiries").isVisible())).toBe(true);
    expect(await page.locator("#history li").first().textContent()).toContain(
      "23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points",
    );
    await page.screenshot({ path: join(SCREENSHOTS, "portal-fr.png"), fullPage: true });
    await page.close();
  });

  it("files claims, shows what the ledger says about each, and the decision once it is made", async () => {
    const page = await open(await portalLinkFor(stack, camille.id));
    // No shop is chosen for the customer: sending without choosing one is refused by the browser.
    const select = page.getByLabel("Magasin", { exact: true });
    expect(await select.inputValue()).toBe("");
    expect(await select.locator("option").first().textContent()).toBe("Choisissez un magasin");
    expect(
      await select.evaluate(
        (node) => (node as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
      ),
    ).toBe(true);
    const credited = await sendClaim(page, { minutesAgo: 30, location: "paris-01", amount: "23,40" });
    expect(credited).toMatch(
      /^Réclamation envoyée\. Ces points ont déjà été crédités : 23 points le .+ à Paris 01\./,
    );
    // The outcome takes the focus, so a screen reader reads it; the form is empty again for the next one.
    await poll(() => focusedId(page)).toBe("claim-result");
    expect(await page.locator(":focus").getAttribute("role")).toBe("status");
    expect(await select.inputValue()).toBe("");
    const pending = await sendClaim(page, {
      minutesAgo: 6 * 60,
      location: "paris-01",
      amount: "12,00",
      receipt: "T-881",
    });
    expect(pending).toBe(
      "Réclamation envoyée. Aucun passage n'a été enregistré à ce moment-là. Le magasin va vérifier. Points proposés d'après les règles du magasin : 12",
    );
    await poll(() => page.locator("#claims li").count()).toBe(2);
    expect(await page.locator("#claims .badge").allTextContents()).toEqual(["En attente", "Déjà créditée"]);
    // The same receipt again: the form says so, and nothing is filed.
    const again = await sendClaim(page, {
      minutesAgo: 60,
      location: "paris-01",
      amount: "12,00",
      receipt: "t-881",
    });
    expect(again).toBe("Ce numéro de ticket a déjà fait l'objet d'une réclamation.");
    await poll(() => focusedId(page)).toBe("claim-result");
    expect(await page.locator("#claims li").count()).toBe(2);

    const alice = await stack.token("alice");
    const queue = await stack.call("GET", "/v1/claims?status=pending", { token: alice });
    const claimId = queue.body.claims.find((c: { receiptNumber: string }) => c.receiptNumber === "T-881").id;
    const approved = await stack.call("POST", `/v1/claims/${claimId}/approve`, {
      token: alice,
      body: {},
      headers: { "idempotency-key": `approve-${claimId}` },
    });
    expect(approved.status).toBe(201);
    await page.reload();
    await page.locator(`#claim-${claimId}`).waitFor();
    expect(await page.locator(`#claim-${claimId}`).textContent()).toMatch(
      /· Paris 01 · 12,00 EURAcceptéeAcceptée : 12 points crédités\.$/,
    );
    expect(await page.locator("#balance").textContent()).toBe("35");
    expect(await page.locator("#history li").first().textContent()).toContain(
      "Réclamation acceptée : +12 points",
    );
    await page.locator("#claims").screenshot({ path: join(SCREENSHOTS, "portal-fr-claims.png") });
    await page.close();
  });

  it("downloads a signed statement that verifies against the merchant's published keys", async () => {
    const page = await open(await portalLinkFor(stack, camille.id));
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Télécharger mon relevé signé" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^statement-demo-\d{4}-\d{2}-\d{2}\.json$/);
    const document = JSON.parse(await readFile(await download.path(), "utf8"));
    const keys = (await stack.call("GET", "/v1/merchants/demo/jwks.json")).body;
    expect(await verifyStatement(document, keys)).toMatchObject({ valid: true });
    await page.close();
  });

  it("verifies the statement in the page, and says what fails when an entry was altered", async () => {
    const page = await open(await portalLinkFor(stack, camille.id));
    const verify = page.getByRole("button", { name: "Vérifier mon relevé" });
    const result = page.locator("#statement-result");
    const [served] = await Promise.all([page.waitForResponse("**/v1/me/statement"), verify.click()]);
    const { statement } = (await served.json()) as { statement: { entries: unknown[] } };
    const balance = await page.locator("#balance").textContent();
    await poll(() => result.textContent()).toBe(
      `Vérifié : ${statement.entries.length} opérations, solde ${balance} points. La signature du magasin et l'enchaînement des opérations sont intacts.`,
    );
    expect(await result.getAttribute("class")).not.toContain("error");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.locator("section[aria-labelledby=statement-h]").screenshot({
      path: join(SCREENSHOTS, "portal-fr-statement.png"),
    });

    // One more point on the first entry, on its way to the page: both the signature and the chain catch it.
    await page.route("**/v1/me/statement", async (route) => {
      const response = await route.fetch();
      const tampered = await response.json();
      tampered.statement.entries[0].points += 1;
      await route.fulfill({ response, json: tampered });
    });
    await verify.click();
    await poll(() => result.textContent()).toBe(
      "Échec de la vérification : le relevé n'est pas celui qui a été signé ; l'opération n° 1 ne correspond pas à son empreinte.",
    );
    expect(await result.getAttribute("class")).toContain("error");
    await page.unroute("**/v1/me/statement");

    // A signature by another key: the published keys do not vouch for it.
    await page.route("**/v1/me/statement", async (route) => {
      const response = await route.fetch();
      const forged = await response.json();
      const [header, payload, signature] = forged.signature.split(".");
      const bytes = Buffer.from(signature, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      forged.signature = [header, payload, bytes.toString("base64url")].join(".");
      await route.fulfill({ response, json: forged });
    });
    await verify.click();
    await poll(() => result.textContent()).toBe(
      "Échec de la vérification : la signature ne correspond pas à la clé du magasin.",
    );
    await page.locator("section[aria-labelledby=statement-h]").screenshot({
      path: join(SCREENSHOTS, "portal-fr-statement-tampered.png"),
    });
    await page.close();
  });

  it("verifies a statement that comes in several signed pages, and notices a page out of place", async () => {
    const alice = await stack.token("alice");
    for (let i = 0; i < 3; i++) {
      await stack.call("POST", `/v1/customers/${camille.id}/points`, {
        token: alice,
        headers: { "idempotency-key": randomUUID() },
        body: { points: 5, reason: "goodwill" },
      });
    }
    const page = await open(await portalLinkFor(stack, camille.id));
    // One entry a page (the API's own `limit`), so Camille's short history is a statement of many pages.
    const onePerPage = (url: string) => `${url}${url.includes("?") ? "&" : "?"}limit=1`;
    await page.route("**/v1/me/statement*", (route) =>
      route.continue({ url: onePerPage(route.request().url()) }),
    );
    const requests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/v1/me/statement")) requests.push(request.url());
    });
    const verify = page.getByRole("button", { name: "Vérifier mon relevé" });
    const result = page.locator("#statement-result");
    await verify.click();
    await poll(() => result.textContent()).toMatch(/^Vérifié : \d+ opérations/);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.filter((url) => url.includes("cursor=")).length).toBe(requests.length - 1);

    // The second page claims to start one entry later: its signature and the chain both say so.
    await page.unroute("**/v1/me/statement*");
    await page.route("**/v1/me/statement*", async (route) => {
      const url = onePerPage(route.request().url());
      const response = await route.fetch({ url });
      const body = await response.json();
      if (url.includes("cursor=") && body.statement.after) body.statement.after.seq += 1;
      await route.fulfill({ response, json: body });
    });
    await verify.click();
    await poll(() => result.textContent()).toContain("ses pages ne se suivent pas");
    await page.close();
  });

  it("speaks English to an English customer, labels every field, and switches language from the profile", async () => {
    const id = await enrolCustomer(stack, { name: "Dana Smith", locale: "en" });
    const page = await open(await portalLinkFor(stack, id));
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("h1").textContent()).toBe("My loyalty card");
    expect(await page.locator("#no-history").textContent()).toBe("Nothing here yet.");
    // Every field has a label the browser associates with it (what screen readers announce).
    const fields = page.locator("input, select, textarea");
    for (const field of await fields.all()) {
      expect(await field.evaluate((node) => (node as unknown as { labels: unknown[] }).labels.length)).toBe(
        1,
      );
    }
    await page.screenshot({ path: join(SCREENSHOTS, "portal-en.png"), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").textContent()).toBe("Skip to content");

    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("button", { name: "Save" }).click();
    await poll(() => page.locator("#profile-result").textContent()).toBe("Informations enregistrées.");
    expect(await page.locator("h1").textContent()).toBe("Ma carte de fidélité");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await page.close();
  });

  it("shows the member's tier, its progress and until when it is kept, in French and English", async () => {
    // Camille has no tier (the Paris program has none): the section stays hidden.
    const plain = await open(await portalLinkFor(stack, camille.id));
    expect(await plain.locator("#tier").isHidden()).toBe(true);
    await plain.close();

    // Tiers on the Lyon program only, which no other test here earns with: one visit (10 points) is Silver.
    const alice = await stack.token("alice");
    await setProgramTiers(
      stack,
      alice,
      DEMO.locations["lyon-01"].programId,
      twelveMonthTiers([
        { name: "Silver", threshold: 10, multiplier: "1.25" },
        { name: "Gold", threshold: 30, multiplier: "1.5" },
      ]),
    );
    for (const [locale, name, lines] of [
      [
        "fr",
        "Inès Niveau",
        (until: string) => [
          "Vos points gagnés sont multipliés par 1,25.",
          "10 points qualifiants sur les 12 derniers mois",
          `Encore 10 points d'ici le ${until} pour rester Silver`,
          "Encore 20 points pour devenir Gold",
        ],
      ],
      [
        "en",
        "Ian Tier",
        (until: string) => [
          "Points you earn are multiplied by 1.25.",
          "10 qualifying points over the last 12 months",
          `10 more points by ${until} to stay Silver`,
          "20 points to Gold",
        ],
      ],
    ] as const) {
      const id = await enrolCustomer(stack, { name, locale });
      await earn(stack, { customerId: id, locationId: "lyon-01", type: "visit" });
      const link = await portalLinkFor(stack, id);
      const me = await asCustomer(stack, tokenOf(link), "GET", "/v1/me");
      const { keptUntil } = me.body.tiers[0] as { keptUntil: string };
      // The day as a calendar day, wherever the browser is (Europe/Paris here).
      const until = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
        new Date(`${keptUntil}T00:00:00Z`),
      );
      const page = await open(link);
      const section = page.locator("#tier");
      await section.waitFor({ state: "visible" });
      expect(await section.locator("h2").textContent()).toBe(locale === "fr" ? "Mon niveau" : "My tier");
      expect(await section.locator("li strong").textContent()).toBe("Silver");
      expect(await section.locator("li p").allTextContents()).toEqual(lines(until));
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.screenshot({ path: join(OUTPUT, `portal-tier-${locale}.png`), fullPage: false });
      await page.close();
    }
  });

  it("tells the customer, in their browser's language, that a revoked link no longer works", async () => {
    const id = await enrolCustomer(stack, { name: "Rémi Révoqué" });
    const old = await portalLinkFor(stack, id);
    await portalLinkFor(stack, id, true);
    const page = await browser.newPage();
    await page.goto(old);
    await poll(() => page.locator("#status").textContent()).toBe(
      "Ce lien n'est plus valide. Demandez-en un nouveau au magasin.",
    );
    expect(await page.locator("#content").isHidden()).toBe(true);
    await page.close();
  });
});
