import { QR_QUIET_ZONE, qrCodeModules } from "../qr-code.ts";
import { fitText, type Measure, wrap } from "./text-fit.ts";

/**
 * The counter poster as shapes on an A4 page, in PostScript points from the top left: one layout that
 * the SVG and the PDF both draw (./poster-svg.ts, ./poster-pdf.ts), so the three formats match.
 */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 48;
const WIDTH = A4.width - 2 * MARGIN;

export type Rgb = readonly [number, number, number];

export type Shape =
  | { kind: "rect"; x: number; y: number; width: number; height: number; color: Rgb }
  /** Centred on the page; `y` is the baseline. */
  | { kind: "text"; y: number; size: number; bold: boolean; color: Rgb; text: string }
  /** The QR symbol, quiet zone included, in a `size` square at (x, y). */
  | { kind: "qr"; x: number; y: number; size: number; modules: ReturnType<typeof qrCodeModules> };

export interface PosterContent {
  merchantName: string;
  headline: string;
  scan: string;
  earn: string;
  /** The URL the QR code holds, also printed for who cannot scan. */
  joinUrl: string;
  orVisit: string;
  /** The pass's colours (Merchant.branding), for the band with the name. */
  bandColor?: Rgb;
  bandTextColor?: Rgb;
}

export interface PosterLayout {
  width: number;
  height: number;
  shapes: Shape[];
}

const INK: Rgb = [32, 44, 57];
const MUTED: Rgb = [88, 99, 112];
const WHITE: Rgb = [255, 255, 255];

/** "rgb(r, g, b)" as Apple writes pass colours (Merchant.branding); undefined for anything else. */
export function parseRgb(color: string | undefined): Rgb | undefined {
  const match = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(color ?? "");
  if (!match) return undefined;
  const rgb = [Number(match[1]), Number(match[2]), Number(match[3])] as const;
  return rgb.every((c) => c <= 255) ? rgb : undefined;
}

export function layoutPoster(
  content: PosterContent,
  fonts: { regular: Measure; bold: Measure },
): PosterLayout {
  const shapes: Shape[] = [];
  const lines = (
    text: string,
    size: number,
    bold: boolean,
    color: Rgb,
    top: number,
    lineHeight = size * 1.3,
  ): number => {
    const broken = wrap(bold ? fonts.bold : fonts.regular, text, size, WIDTH);
    broken.forEach((line, i) => {
      shapes.push({ kind: "text", y: top + size + i * lineHeight, size, bold, color, text: line });
    });
    return top + broken.length * lineHeight;
  };

  // The band: the merchant's name, as large as three lines allow.
  const name = fitText(fonts.bold, content.merchantName, {
    sizes: [46, 40, 34, 28, 24, 20],
    width: WIDTH,
    maxLines: 3,
  });
  const nameLineHeight = name.size * 1.2;
  const bandHeight = 2 * 36 + name.lines.length * nameLineHeight;
  shapes.push({
    kind: "rect",
    x: 0,
    y: 0,
    width: A4.width,
    height: bandHeight,
    color: content.bandColor ?? INK,
  });
  name.lines.forEach((line, i) => {
    shapes.push({
      kind: "text",
      y: 36 + name.size * 0.95 + i * nameLineHeight,
      size: name.size,
      bold: true,
      color: content.bandTextColor ?? WHITE,
      text: line,
    });
  });

  let y = lines(content.headline, 24, true, INK, bandHeight + 30);
  const qrSize = 270;
  const modules = qrCodeModules(content.joinUrl);
  shapes.push({ kind: "qr", x: (A4.width - qrSize) / 2, y: y + 10, size: qrSize, modules });
  y = lines(content.scan, 15, false, INK, y + 10 + qrSize + 6);
  y = lines(content.earn, 18, true, INK, y + 22);
  // The address for who cannot scan, small but whole, at the foot of the page.
  const url = fitText(fonts.regular, content.joinUrl, { sizes: [11, 10, 9, 8], width: WIDTH, maxLines: 2 });
  const footTop = Math.max(y + 24, A4.height - MARGIN - 14 - url.lines.length * url.size * 1.3);
  const after = lines(content.orVisit, 11, false, MUTED, footTop);
  url.lines.forEach((line, i) => {
    shapes.push({
      kind: "text",
      y: after + url.size + i * url.size * 1.3,
      size: url.size,
      bold: false,
      color: MUTED,
      text: line,
    });
  });
  return { width: A4.width, height: A4.height, shapes };
}

/** The quiet zone's share of the QR square, for drawing the modules inside it. */
export const qrModuleSize = (shape: Extract<Shape, { kind: "qr" }>) =>
  shape.size / (shape.modules.size + 2 * QR_QUIET_ZONE);
