import * as z from "zod";
import { ROLES } from "../../shared/auth/permissions.ts";
import { text } from "./fields.ts";
import { RecordId } from "./params.ts";

/** Body fields shared by the create and update routes of staff and locations. */

export const DisplayName = text(100);

export const StaffRole = z.enum(ROLES);

export const LocationIds = z.union(
  [
    z.literal("*"),
    z
      .array(RecordId)
      .min(1)
      .max(500)
      .transform((ids) => [...new Set(ids)]),
  ],
  { error: 'must be "*" or a non-empty list of location ids' },
);

/** Edits must change something: an empty body is more likely a client bug than an intent. */
export const notEmpty = (body: object) => Object.values(body).some((value) => value !== undefined);
export const NOT_EMPTY_MESSAGE = "give at least one field to change";
