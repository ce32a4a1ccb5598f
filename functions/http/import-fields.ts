import * as z from "zod";
import { IMPORT_LIMITS } from "../../shared/imports/import.ts";
import { RecordId, text } from "./fields.ts";

export const ImportPath = z.object({ importId: RecordId });

const Header = text(IMPORT_LIMITS.maxHeaderChars);

const day = z.iso.date("must be a date (YYYY-MM-DD)");

export const NewImportBody = z.strictObject({
  platform: text(IMPORT_LIMITS.maxPlatformChars),
  asOf: day,
  delimiter: z.enum([",", ";"]).optional(),
  columns: z.strictObject({
    name: Header,
    phone: Header.optional(),
    email: Header.optional(),
    balance: Header,
    reference: Header.optional(),
  }),
});

/** The file's lines as JSON strings: a line break is no text character (shared/text.ts), and no CSV field holds one. */
export const PartBody = z.strictObject({
  part: z.number().int().min(1).max(IMPORT_LIMITS.maxParts),
  lines: z
    .array(text(IMPORT_LIMITS.maxLineChars, { min: 0 }))
    .min(1)
    .max(IMPORT_LIMITS.maxPartLines),
  last: z.boolean(),
});

export const RunBody = z.strictObject({});
