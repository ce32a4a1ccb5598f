import * as z from "zod";
import { PERMISSIONS } from "../shared/auth/permissions.ts";
import { setRolePermissions } from "../shared/merchants/roles.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { StaffRole } from "./http/settings-fields.ts";

export const Path = z.object({ role: StaffRole });
export const Body = z.strictObject({
  permissions: z
    .array(z.enum(PERMISSIONS))
    .max(PERMISSIONS.length)
    .refine((list) => new Set(list).size === list.length, "must not repeat a permission"),
});

/** PUT /v1/roles/{role}: sets the role's permissions at this merchant, from its holders' next request on. */
export const handler = staffHandler(async (request, principal) => {
  const { role } = parse(Path, request.event.pathParameters, "path");
  const { permissions } = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { role: await setRolePermissions(runtimeDeps(), principal, role, permissions) },
  };
});
