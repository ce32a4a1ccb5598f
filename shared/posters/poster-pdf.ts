import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, rgb } from "pdf-lib";
import { QR_QUIET_ZONE } from "../qr-code.ts";
import { type PosterLayout, qrModuleSize, type Rgb, type Shape } from "./layout.ts";
import { posterFonts } from "./render-assets.ts";

const color = ([r, g, b]: Rgb) => rgb(r / 255, g / 255, b / 255);

/**
 * The poster as a one-page A4 PDF, drawn as vectors from the same layout as the SVG. DejaVu Sans is
 * embedded (subset to the glyphs used), so any merchant's name prints as written, accents and all,
 * which the PDF standard fonts (WinAnsi only) cannot promise.
 */
export async function posterPdf(layout: PosterLayout, title: string, language: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const fonts = await posterFonts();
  const regular = await pdf.embedFont(fonts.regular, { subset: true });
  const bold = await pdf.embedFont(fonts.bold, { subset: true });
  pdf.setTitle(title);
  pdf.setLanguage(language);
  pdf.setCreator("loyalty-wallet");
  // Fixed dates: the same poster is the same file, and no server clock leaks into it.
  pdf.setCreationDate(new Date(0));
  pdf.setModificationDate(new Date(0));
  const page = pdf.addPage([layout.width, layout.height]);
  // PDF measures from the bottom left; the layout from the top left.
  const flip = (y: number) => layout.height - y;
  for (const shape of layout.shapes) draw(shape);
  return Buffer.from(await pdf.save());

  function draw(shape: Shape) {
    switch (shape.kind) {
      case "rect":
        page.drawRectangle({
          x: shape.x,
          y: flip(shape.y + shape.height),
          width: shape.width,
          height: shape.height,
          color: color(shape.color),
        });
        return;
      case "text": {
        const font: PDFFont = shape.bold ? bold : regular;
        const width = font.widthOfTextAtSize(shape.text, shape.size);
        page.drawText(shape.text, {
          x: (layout.width - width) / 2,
          y: flip(shape.y),
          size: shape.size,
          font,
          color: color(shape.color),
        });
        return;
      }
      case "qr": {
        const unit = qrModuleSize(shape);
        const left = shape.x + QR_QUIET_ZONE * unit;
        const top = shape.y + QR_QUIET_ZONE * unit;
        page.drawRectangle({
          x: shape.x,
          y: flip(shape.y + shape.size),
          width: shape.size,
          height: shape.size,
          color: rgb(1, 1, 1),
        });
        const { modules } = shape;
        // One rectangle per run of dark modules in a row: a fraction of the drawing operators.
        for (let row = 0; row < modules.size; row++) {
          for (let column = 0; column < modules.size; column++) {
            if (!modules.dark(row, column)) continue;
            let end = column;
            while (end + 1 < modules.size && modules.dark(row, end + 1)) end++;
            page.drawRectangle({
              x: left + column * unit,
              y: flip(top + (row + 1) * unit),
              width: (end - column + 1) * unit,
              height: unit,
              color: rgb(0, 0, 0),
            });
            column = end;
          }
        }
        return;
      }
    }
  }
}
