import { PDFDocument } from "pdf-lib";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { conformingFetch } from "../support/openapi-validator.ts";
import { decodeQrPng as decodeQr } from "../support/qr-decode.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * The counter poster through the local API: each format as a printer or a phone would read it (the PNG's
 * QR code decoded back to the join URL, the SVG's text, the PDF's pages), and who may print it.
 */

let stack: TestStack;
let alice: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
});
afterAll(() => stack?.close());

const posterPath = (locationId: string, format?: string) =>
  `/v1/locations/${locationId}/poster${format ? `?format=${format}` : ""}`;

/** The poster's bytes, through the OpenAPI check like every other answer. */
async function poster(token: string, locationId: string, format?: string) {
  const response = await conformingFetch(stack.baseUrl + posterPath(locationId, format), {
    headers: { authorization: `Bearer ${token}` },
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

const merchantName = async (): Promise<string> => {
  const response = await stack.call("GET", "/v1/settings", { token: alice });
  return response.body.settings.name;
};

const joinUrlOf = (locationId: string) => `${stack.baseUrl}/join/${DEMO.merchantId}?location=${locationId}`;

describe("GET /v1/locations/{locationId}/poster", () => {
  it("PNG: an A4 page whose QR code decodes to the location's join URL", async () => {
    const { response, bytes } = await poster(alice, "paris-01", "png");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const image = PNG.sync.read(bytes);
    // A4 portrait at 150 dpi.
    expect(image.width).toBe(1240);
    expect(Math.abs(image.height / image.width - 297 / 210)).toBeLessThan(0.01);
    expect(decodeQr(bytes)).toBe(joinUrlOf("paris-01"));
    // Each location its own URL: the join page records where the customer joined.
    expect(decodeQr((await poster(alice, "lyon-01", "png")).bytes)).toBe(joinUrlOf("lyon-01"));
  });

  it("SVG: the merchant's name and the line on how points are earned, in the merchant's language", async () => {
    const { response, bytes } = await poster(alice, "paris-01", "svg");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    const svg = bytes.toString("utf8");
    expect(svg).toMatch(/^<svg [^>]*width="210mm" height="297mm"/);
    expect(svg).toContain(`<title id="poster-title">${await merchantName()}</title>`);
    // The demo merchant is in France and chose no language: French, from the program's rule.
    expect(svg).toContain(
      "À Paris 01\u00a0: 1 point par tranche de 1,00 EUR dépensée, arrondi à l&#39;inférieur.",
    );
    expect(svg).toContain("Rejoignez notre programme de fidélité");
    expect(svg).toContain(joinUrlOf("paris-01").replace(/&/g, "&#38;"));
    const visit = (await poster(alice, "lyon-01", "svg")).bytes.toString("utf8");
    expect(visit).toContain("À Lyon 01\u00a0: 10 points par visite");
  });

  it("PDF: one A4 page, the default format", async () => {
    const { response, bytes } = await poster(alice, "paris-01");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(pdf.getTitle()).toBe(await merchantName());
  });

  it("refuses an unknown format with a 400 naming the query parameter", async () => {
    const response = await stack.call("GET", posterPath("paris-01", "gif"), { token: alice });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: "query.format" })]);
  });

  it("is a 404 for another merchant's location, and for one that does not exist", async () => {
    const mallory = await stack.token("mallory");
    expect((await stack.call("GET", posterPath("paris-01", "svg"), { token: mallory })).status).toBe(404);
    expect((await stack.call("GET", posterPath("nowhere", "svg"), { token: alice })).status).toBe(404);
  });
});

describe("who may print it: locations:manage or customers:write", () => {
  const setRole = async (role: string, permissions: string[]) => {
    const response = await stack.call("PUT", `/v1/roles/${role}`, {
      token: alice,
      body: { permissions },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };

  it("lets a role with only customers:write print its own locations' posters, and not one with neither", async () => {
    const bob = await stack.token("bob");
    // Staff by default: scanning permissions, neither of the two.
    const refused = await stack.call("GET", posterPath("paris-01", "svg"), { token: bob });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("locations:manage or customers:write");

    await setRole("staff", ["customers:read", "customers:write"]);
    expect((await poster(bob, "paris-01", "svg")).response.status).toBe(200);
    // Without locations:manage, only where they work (bob: Paris 01).
    expect((await stack.call("GET", posterPath("lyon-01", "svg"), { token: bob })).status).toBe(403);

    await setRole("staff", ["customers:read", "locations:manage"]);
    expect((await poster(bob, "lyon-01", "svg")).response.status).toBe(200);
  });
});
