/**
 * Text set in a box: measured with the font the poster is printed in (font-metrics.ts), so the SVG, the
 * PNG rendered from it and the PDF break their lines at the same words.
 */
export type Measure = (text: string, size: number) => number;

/**
 * Words filled into lines no wider than `width`; a word longer than a line is cut where it overflows.
 * Only plain spaces break: a no-break space (French "votre téléphone : votre") keeps its neighbours.
 */
export function wrap(measure: Measure, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    // A single word wider than the line (a long name without spaces, a URL): cut it by characters.
    while (measure(line, size) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && measure(line.slice(0, cut), size) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The largest size from `sizes` (largest first) at which the text fits in `maxLines`; else the smallest. */
export function fitText(
  measure: Measure,
  text: string,
  options: { sizes: readonly number[]; width: number; maxLines: number },
): { size: number; lines: string[] } {
  let best = { size: 0, lines: [] as string[] };
  for (const size of options.sizes) {
    best = { size, lines: wrap(measure, text, size, options.width) };
    if (best.lines.length <= options.maxLines) return best;
  }
  return best;
}
