import { type Principal, requireLocation } from "../auth/principal.ts";
import { notFound } from "../errors.ts";
import { lazily } from "../lazily.ts";
import { describeRule } from "../ledger/entry-types.ts";
import { getLocation, getMerchant, getProgram } from "../merchants/directory.ts";
import type { Db } from "../store/db/client.ts";
import { joinUrl } from "./join-url.ts";
import { layoutPoster, type PosterContent, parseRgb } from "./layout.ts";
import { posterSvg } from "./poster-svg.ts";
import { posterFonts } from "./render-assets.ts";
import { POSTER_WORDING, posterLocale } from "./wording.ts";

export const POSTER_FORMATS = ["png", "svg", "pdf"] as const;
export type PosterFormat = (typeof POSTER_FORMATS)[number];

const CONTENT_TYPES: Record<PosterFormat, string> = {
  png: "image/png",
  svg: "image/svg+xml",
  pdf: "application/pdf",
};

export interface Poster {
  bytes: Buffer;
  contentType: string;
  /** For Content-Disposition: the location's id, which is safe in a header. */
  filename: string;
}

// The fonts' metrics, parsed once per container. fontkit, pdf-lib and resvg are imported on first use
// (chunks of the function's bundle), so they cost nothing at init and the PDF's code stays out of a PNG.
const measures = lazily(async () => {
  const [fonts, { measureWith }] = await Promise.all([posterFonts(), import("./font-metrics.ts")]);
  return { regular: measureWith(fonts.regular), bold: measureWith(fonts.bold) };
});

/** What a poster says: the merchant's name, the location's way of earning, the join URL. */
async function posterContent(
  db: Db,
  principal: Principal,
  locationId: string,
  publicBaseUrl: string,
): Promise<{ content: PosterContent; locale: string; description: string }> {
  const { merchantId } = principal;
  const [merchant, location] = await Promise.all([
    getMerchant(db, merchantId),
    getLocation(db, merchantId, locationId),
  ]);
  // Another merchant's location is as unknown as a made-up one.
  if (!merchant || !location) throw notFound("Location");
  // Who manages locations prints any of them; who enrols at the till, those they work at.
  if (!principal.permissions.has("locations:manage")) requireLocation(principal, locationId);
  const program = await getProgram(db, merchantId, location.programId);
  const locale = posterLocale(merchant);
  const wording = POSTER_WORDING[locale];
  const earn = program ? wording.earn(location.name, describeRule(program.rule, locale)) : "";
  const url = joinUrl(publicBaseUrl, merchantId, location.id);
  const band = parseRgb(merchant.branding?.backgroundColor);
  const bandText = parseRgb(merchant.branding?.foregroundColor);
  return {
    locale,
    description: [wording.headline, earn, `${wording.orVisit} ${url}`].filter(Boolean).join(" "),
    content: {
      merchantName: merchant.name,
      headline: wording.headline,
      scan: wording.scan,
      earn,
      joinUrl: url,
      orVisit: wording.orVisit,
      // The pass's colours, when both are set: one without the other could leave the name unreadable.
      ...(band && bandText ? { bandColor: band, bandTextColor: bandText } : {}),
    },
  };
}

/**
 * The counter poster of a location: A4, with the merchant's name, a QR code of the location's join URL,
 * and how points are earned there, in the merchant's language; as PNG, SVG or PDF.
 */
export async function locationPoster(
  deps: { db: Db },
  principal: Principal,
  locationId: string,
  options: { format: PosterFormat; publicBaseUrl: string },
): Promise<Poster> {
  const { content, locale, description } = await posterContent(
    deps.db,
    principal,
    locationId,
    options.publicBaseUrl,
  );
  const layout = layoutPoster(content, await measures());
  const svg = () => posterSvg(layout, { title: content.merchantName, description });
  const bytes =
    options.format === "pdf"
      ? await (await import("./poster-pdf.ts")).posterPdf(layout, content.merchantName, locale)
      : options.format === "png"
        ? await (await import("./poster-png.ts")).posterPng(svg())
        : Buffer.from(svg(), "utf8");
  return {
    bytes,
    contentType: CONTENT_TYPES[options.format],
    filename: `poster-${locationId}.${options.format}`,
  };
}
