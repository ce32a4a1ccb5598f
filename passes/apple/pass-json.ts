import { buildPassFields, type PassField } from "./pass-fields.ts";
import type { TemplateProps } from "./pass-template.ts";
import type { ApplePassView } from "./pass-view.ts";

type StoreCard = Record<
  "headerFields" | "primaryFields" | "secondaryFields" | "auxiliaryFields" | "backFields",
  PassField[]
>;

const CHANNEL = "(?:[01]?\\d?\\d|2[0-4]\\d|25[0-5])";
const RGB = new RegExp(`^rgb\\(\\s*${CHANNEL}\\s*,\\s*${CHANNEL}\\s*,\\s*${CHANNEL}\\s*\\)$`);

/**
 * The pass.json of one member's pass: the template's (validated by passkit-generator when it was loaded),
 * this pass's identity and colours, its storeCard fields and its QR code. Written here rather than by
 * cloning a PKPass, whose schemas validate every field again on every pass, ≈1 ms of a ≈1.4 ms render
 * (see README.md, Performance). What those schemas would refuse in a view is refused here, and
 * test/unit/passes/apple-pass-json.test.ts checks on generated views that the result is what
 * passkit-generator builds from the same template, and that it refuses the same views.
 */
export function buildPassJson(
  template: TemplateProps,
  view: ApplePassView,
  service: { webServiceURL: string; timeZone?: string | undefined },
): Record<string, unknown> {
  assertView(view);
  const { storeCard: templateCard, ...props } = template as TemplateProps & {
    storeCard?: Partial<StoreCard>;
  };
  const fields = buildPassFields(view, service.timeZone);
  const storeCard: StoreCard = {
    headerFields: [...(templateCard?.headerFields ?? [])],
    primaryFields: [...(templateCard?.primaryFields ?? []), ...fields.primaryFields],
    secondaryFields: [...(templateCard?.secondaryFields ?? []), ...fields.secondaryFields],
    auxiliaryFields: [...(templateCard?.auxiliaryFields ?? []), ...fields.auxiliaryFields],
    backFields: [...(templateCard?.backFields ?? []), ...fields.backFields],
  };
  assertFields(storeCard);
  return {
    ...props,
    serialNumber: view.serialNumber,
    authenticationToken: view.authenticationToken,
    webServiceURL: service.webServiceURL,
    organizationName: view.organizationName,
    description: view.description,
    backgroundColor: view.colors.background,
    foregroundColor: view.colors.foreground,
    labelColor: view.colors.label,
    ...(view.voided ? { voided: true } : {}),
    barcodes: [
      {
        format: "PKBarcodeFormatQR",
        message: view.barcode,
        messageEncoding: "iso-8859-1",
        altText: view.barcode,
      },
    ],
    storeCard,
  };
}

function assertView(view: ApplePassView): void {
  for (const name of ["serialNumber", "organizationName", "description", "barcode"] as const) {
    if (typeof view[name] !== "string" || view[name] === "") {
      throw new TypeError(`${name} must be a non-empty string`);
    }
  }
  // Wallet sends it back as "ApplePass <token>"; Apple requires 16 characters at least.
  if (typeof view.authenticationToken !== "string" || view.authenticationToken.length < 16) {
    throw new TypeError("authenticationToken must be at least 16 characters");
  }
  // The QR payload is encoded as ISO-8859-1; other characters would scan as garbage.
  if (Buffer.from(view.barcode, "latin1").toString("latin1") !== view.barcode) {
    throw new TypeError("barcode must only use ISO-8859-1 characters");
  }
  for (const [name, color] of Object.entries(view.colors)) {
    if (!RGB.test(color)) {
      throw new TypeError(`colors.${name} must be written rgb(r,g,b), each from 0 to 255, got ${color}`);
    }
  }
}

// passkit-generator refuses a field without a value or with a key already used; Wallet refuses the pass.
function assertFields(card: StoreCard): void {
  const keys = new Set<string>();
  for (const field of Object.values(card).flat()) {
    if (keys.has(field.key)) throw new TypeError(`field key ${field.key} is used twice`);
    if (field.value === undefined || field.value === null)
      throw new TypeError(`field ${field.key} has no value`);
    keys.add(field.key);
  }
}
