import * as z from "zod";
import { importLineView, requireImport } from "../shared/imports/import.ts";
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  isBeforeCursor,
  MAX_PAGE_SIZE,
} from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { readLines } from "../shared/store/imports.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";
import { ImportPath } from "./http/import-fields.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(100).optional(),
});

// The cursor names the next line, as `{ before }` cursors name a bound (line numbers have at most 7 digits).
const isLineCursor = isBeforeCursor(7);

/** GET /v1/imports/{importId}/lines: the dry run's report (and the real run's marks), line by line. */
export const handler = staffHandler(async (request, principal) => {
  const { importId } = parse(ImportPath, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  const { db } = runtimeDeps();
  await requireImport(db, principal, importId);
  const from = query.cursor ? decodeCursor(query.cursor, isLineCursor).before : 2;
  const page = await readLines(db, principal.merchantId, importId, from - 1, query.limit);
  const last = page.lines.at(-1)?.line;
  return {
    status: 200,
    body: {
      lines: page.lines.map(importLineView),
      nextCursor: page.more && last !== undefined ? encodeCursor({ before: last + 1 }) : null,
    },
  };
});
