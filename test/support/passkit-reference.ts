import type { PKPass } from "passkit-generator";
import { buildPassFields } from "../../passes/apple/pass-fields.ts";
import type { ApplePassView } from "../../passes/apple/pass-view.ts";

/**
 * A member's view through passkit-generator's own API, as the renderer used it before it wrote pass.json itself:
 * the reference the property test holds pass-json.ts to, and the stock path the bench measures beside it.
 */
export function passkitOverrides(view: ApplePassView, webServiceURL: string) {
  return {
    serialNumber: view.serialNumber,
    authenticationToken: view.authenticationToken,
    webServiceURL,
    organizationName: view.organizationName,
    description: view.description,
    backgroundColor: view.colors.background,
    foregroundColor: view.colors.foreground,
    labelColor: view.colors.label,
    ...(view.voided ? { voided: true } : {}),
  };
}

/** Pushes the view's fields (validated one by one by passkit-generator) and sets its QR code. */
export function layOutOnPkpass(pass: PKPass, view: ApplePassView, timeZone?: string): void {
  const [storeCard] = pass.types;
  if (!storeCard) throw new Error("the passkit-generator pass has no storeCard style");
  const fields = buildPassFields(view, timeZone);
  storeCard.primaryFields.push(...fields.primaryFields);
  storeCard.secondaryFields.push(...fields.secondaryFields);
  storeCard.auxiliaryFields.push(...fields.auxiliaryFields);
  storeCard.backFields.push(...fields.backFields);
  pass.setBarcodes({
    format: "PKBarcodeFormatQR",
    message: view.barcode,
    messageEncoding: "iso-8859-1",
    altText: view.barcode,
  });
}
