/**
 * The merchant's colours on the join page. They were chosen for a pass, not for text on a web page, so
 * the page keeps the background and picks the text colour that reads on it: the merchant's own when it
 * contrasts at least 4.5:1 (WCAG 2.2 AA for text), else black or white, whichever contrasts more.
 */

type Rgb = readonly [number, number, number];

/** Apple's colour syntax, as PATCH /v1/settings accepts it: "rgb(r, g, b)". */
export function parseRgb(text: string | undefined): Rgb | undefined {
  const match = /^rgb\( *(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3}) *\)$/.exec(text ?? "");
  if (!match) return undefined;
  const rgb = [Number(match[1]), Number(match[2]), Number(match[3])] as const;
  return rgb.every((n) => n <= 255) ? rgb : undefined;
}

/** Relative luminance (WCAG 2.2, "relative luminance"). */
function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
/** The portal's accent, when the merchant has no colour of its own. */
const DEFAULT_BACKGROUND: Rgb = [31, 95, 191];

const css = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

export interface BrandColours {
  /** CSS colours, rebuilt from the parsed numbers: no merchant text reaches the stylesheet. */
  background: string;
  text: string;
}

export function brandColours(branding: { backgroundColor?: string; foregroundColor?: string }): BrandColours {
  const background = parseRgb(branding.backgroundColor) ?? DEFAULT_BACKGROUND;
  const own = parseRgb(branding.foregroundColor);
  const text =
    own && contrastRatio(own, background) >= 4.5
      ? own
      : contrastRatio(BLACK, background) >= contrastRatio(WHITE, background)
        ? BLACK
        : WHITE;
  return { background: css(background), text: css(text) };
}

/** The stylesheet that carries the colours; its hash goes into that response's Content-Security-Policy. */
export const themeStyle = (colours: BrandColours) =>
  `:root { --brand: ${colours.background}; --brand-text: ${colours.text}; }`;
