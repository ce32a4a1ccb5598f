import { authenticatePass } from "../passes/apple/web-service.ts";
import { appleWalletConfig } from "../passes/wallet-config.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { unregisterDevice } from "../shared/store/pass-devices.ts";
import { apiHandler, parse } from "./http/api.ts";
import { RegistrationPath } from "./http/apple-params.ts";

/** DELETE /apple/v1/devices/{device}/registrations/{passType}/{serial}: the device stops getting pushes. */
export const handler = apiHandler(async (request) => {
  const apple = appleWalletConfig();
  const path = parse(RegistrationPath, request.event.pathParameters, "path");
  const { db } = runtimeDeps();
  await authenticatePass(db, apple, { ...path, authorization: request.header("authorization") });
  await unregisterDevice(db, path);
  return { status: 200 };
});
