import QRCode from "qrcode";

/**
 * QR codes of the links customers scan (a member's link on the staff's screen, the join URL on the counter
 * poster), made with the `qrcode` package. Level M (15% of the symbol may be lost) survives a glossy print
 * or a scratched screen; the 4-module quiet zone is what scanners need around the symbol.
 */
const OPTIONS = { errorCorrectionLevel: "M", margin: 4 } as const;

/** A small standalone SVG of the link's QR code, black on white, to show at any size. */
export function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: "svg" });
}

/** The symbol's modules, row by row (true: dark), without the quiet zone: for drawing it in a layout. */
export function qrCodeModules(text: string): { size: number; dark(row: number, column: number): boolean } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: OPTIONS.errorCorrectionLevel });
  return { size: modules.size, dark: (row, column) => modules.get(row, column) === 1 };
}

/** Modules of quiet zone to leave around the symbol. */
export const QR_QUIET_ZONE = OPTIONS.margin;
