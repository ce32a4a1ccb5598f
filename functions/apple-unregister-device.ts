import { unregisterDevice } from "../passes/apple/registrations.ts";
import { authenticatePass } from "../passes/apple/web-service.ts";
import { appleWallet } from "../passes/wallet-runtime.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { RegistrationPath } from "./http/apple-params.ts";

/** DELETE /apple/v1/devices/{device}/registrations/{passType}/{serial}: the device stops getting pushes. */
export const handler = apiHandler(async (request) => {
  const apple = appleWallet();
  const path = parse(RegistrationPath, request.event.pathParameters, "path");
  const { db } = runtimeDeps();
  await authenticatePass(db, apple.config, { ...path, authorization: request.header("authorization") });
  await unregisterDevice(db, path);
  return { status: 200 };
});
