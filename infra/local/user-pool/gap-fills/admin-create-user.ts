import type { AdminCreateUserCommandInput, AttributeType } from "@aws-sdk/client-cognito-identity-provider";
import {
  attributeValue,
  CognitoError,
  type Context,
  type DeliveryDetails,
  type Services,
  Targets,
  type User,
  UserNotFoundError,
  type UserPool,
  type UserPoolService,
  userToResponseObject,
} from "../cognito-local.ts";
import { passwordPolicyViolation, temporaryPassword } from "../password-policy.ts";
import type { GapFill } from "./gap-fill.ts";

/**
 * AdminCreateUser as Cognito does it:
 * - MessageAction RESEND "resends the invitation message to a user that already exists and resets the
 *   expiration limit on the user's account" (API reference) with a new temporary password; a user who
 *   already chose a password is in no state to be invited (UnsupportedUserStateException). cognito-local
 *   answers RESEND with "unsupported".
 * - The temporary password Cognito generates meets the pool's password policy, and one given in
 *   TemporaryPassword must (InvalidPasswordException).
 * - Attributes outside the pool's schema, or longer than it allows, are refused (InvalidParameterException).
 */
export const adminCreateUser: GapFill = (services) => async (ctx, req: AdminCreateUserCommandInput) => {
  const pool = await services.cognito.getUserPool(ctx, req.UserPoolId ?? "");
  const policy = pool.options.Policies?.PasswordPolicy;
  if (req.TemporaryPassword) {
    const violation = passwordPolicyViolation(req.TemporaryPassword, policy);
    if (violation) throw new CognitoError("InvalidPasswordException", violation);
  }
  if (req.MessageAction === "RESEND") return resend(services, ctx, pool, req);
  assertSchema(pool.options, req.UserAttributes ?? []);
  return Targets.AdminCreateUser(services)(ctx, {
    ...req,
    TemporaryPassword: req.TemporaryPassword ?? temporaryPassword(policy),
  } as Parameters<ReturnType<typeof Targets.AdminCreateUser>>[1]);
};

async function resend(
  services: Services,
  ctx: Context,
  pool: UserPoolService,
  req: AdminCreateUserCommandInput,
): Promise<unknown> {
  const user = await pool.getUserByUsername(ctx, req.Username ?? "");
  if (!user) throw new UserNotFoundError("User does not exist.");
  if (user.UserStatus !== "FORCE_CHANGE_PASSWORD") {
    throw new CognitoError(
      "UnsupportedUserStateException",
      "Resend not possible. User status is not FORCE_CHANGE_PASSWORD.",
    );
  }
  const password = req.TemporaryPassword ?? temporaryPassword(pool.options.Policies?.PasswordPolicy);
  // UserLastModifiedDate is what the temporary password's validity counts from (initiate-auth.ts).
  const updated = { ...user, Password: password, UserLastModifiedDate: services.clock.get() };
  await pool.saveUser(ctx, updated);
  const delivery = deliveryFor(req.DesiredDeliveryMediums ?? ["SMS"], updated.Attributes);
  if (!delivery)
    throw new CognitoError(
      "InvalidParameterException",
      "User has no attribute matching desired delivery mediums",
    );
  await services.messages.deliver(
    ctx,
    "AdminCreateUser",
    null,
    pool.options.Id,
    updated,
    password,
    req.ClientMetadata,
    delivery,
  );
  return { User: userToResponseObject(updated) };
}

/** As cognito-local picks the medium for a first invitation: SMS when asked and possible, else e-mail. */
function deliveryFor(mediums: readonly string[], attributes: User["Attributes"]): DeliveryDetails | null {
  const phone = attributeValue("phone_number", attributes);
  if (mediums.includes("SMS") && phone)
    return { AttributeName: "phone_number", DeliveryMedium: "SMS", Destination: phone };
  const email = attributeValue("email", attributes);
  if (mediums.includes("EMAIL") && email)
    return { AttributeName: "email", DeliveryMedium: "EMAIL", Destination: email };
  return null;
}

function assertSchema(pool: UserPool, attributes: readonly AttributeType[]): void {
  const schema = new Map((pool.SchemaAttributes ?? []).map((a) => [a.Name, a]));
  const problems = attributes.flatMap(({ Name = "", Value = "" }) => {
    const definition = schema.get(Name);
    if (!definition) return [`${Name}: Attribute does not exist in the schema.`];
    const max = Number(definition.StringAttributeConstraints?.MaxLength ?? Number.POSITIVE_INFINITY);
    return Value.length > max ? [`${Name}: String must be no longer than ${max} characters`] : [];
  });
  if (problems.length > 0) {
    throw new CognitoError(
      "InvalidParameterException",
      `Attributes did not conform to the schema: ${problems.join("; ")}`,
    );
  }
}
