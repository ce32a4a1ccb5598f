import * as z from "zod";
import { isSafePushToken } from "../passes/apple/apns/push-token.ts";
import { authenticatePass } from "../passes/apple/web-service.ts";
import { appleWalletConfig } from "../passes/wallet-config.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { registerDevice } from "../shared/store/pass-devices.ts";
import { apiHandler, parse } from "./http/api.ts";
import { RegistrationPath } from "./http/apple-params.ts";

export const Body = z.object({ pushToken: z.string().refine(isSafePushToken, "is not a push token") });

/** POST /apple/v1/devices/{device}/registrations/{passType}/{serial}: 201 registered, 200 already was. */
export const handler = apiHandler(async (request) => {
  const apple = appleWalletConfig();
  const path = parse(RegistrationPath, request.event.pathParameters, "path");
  const { db, clock } = runtimeDeps();
  await authenticatePass(db, apple, { ...path, authorization: request.header("authorization") });
  const { pushToken } = parse(Body, request.json(), "body");
  const outcome = await registerDevice(db, { ...path, pushToken }, clock());
  return { status: outcome === "created" ? 201 : 200 };
});
