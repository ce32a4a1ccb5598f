import { escapeMarkup } from "../markup.ts";
import { QR_QUIET_ZONE } from "../qr-code.ts";
import { type PosterLayout, qrModuleSize, type Rgb, type Shape } from "./layout.ts";

const rgb = ([r, g, b]: Rgb) => `rgb(${r},${g},${b})`;
const n = (value: number) => Number(value.toFixed(2));

/** The symbol as one path of unit squares, on white, so it scans whatever the page around it. */
function qrPath(shape: Extract<Shape, { kind: "qr" }>): string {
  const unit = qrModuleSize(shape);
  const { modules } = shape;
  const squares: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (modules.dark(row, column)) squares.push(`M${column} ${row}h1v1h-1z`);
    }
  }
  const origin = `translate(${n(shape.x + QR_QUIET_ZONE * unit)} ${n(shape.y + QR_QUIET_ZONE * unit)}) scale(${n(unit)})`;
  return [
    `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.size)}" height="${n(shape.size)}" fill="#fff"/>`,
    `<path transform="${origin}" fill="#000" shape-rendering="crispEdges" d="${squares.join("")}"/>`,
  ].join("");
}

function shapeSvg(shape: Shape, width: number): string {
  switch (shape.kind) {
    case "rect":
      return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.width)}" height="${n(shape.height)}" fill="${rgb(shape.color)}"/>`;
    case "text":
      return `<text x="${n(width / 2)}" y="${n(shape.y)}" font-size="${n(shape.size)}"${shape.bold ? ' font-weight="bold"' : ""} fill="${rgb(shape.color)}">${escapeMarkup(shape.text)}</text>`;
    case "qr":
      return qrPath(shape);
  }
}

/**
 * The poster as an A4 SVG. Its title and description carry the whole text (the name, how points are
 * earned) for screen readers and search, since the drawn lines are broken to fit.
 */
export function posterSvg(layout: PosterLayout, text: { title: string; description: string }): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-labelledby="poster-title poster-desc">`,
    `<title id="poster-title">${escapeMarkup(text.title)}</title>`,
    `<desc id="poster-desc">${escapeMarkup(text.description)}</desc>`,
    `<rect width="${layout.width}" height="${layout.height}" fill="#fff"/>`,
    `<g font-family="'DejaVu Sans', Verdana, Arial, sans-serif" text-anchor="middle">`,
    ...layout.shapes.map((shape) => shapeSvg(shape, layout.width)),
    "</g>",
    "</svg>",
    "",
  ].join("\n");
}
