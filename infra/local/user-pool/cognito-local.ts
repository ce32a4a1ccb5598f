/**
 * The parts of the `cognito-local` emulator the local user pool is composed of. Its package has no entry
 * point for them, so the deep paths are named once, here; a new version that moves them breaks this file only.
 */
// First: cognito-local loads the AWS SDK v2, which otherwise prints its end-of-support notice on every start.
import "./quiet-aws-sdk-v2.ts";

export { CognitoError, NotAuthorizedError, UserNotFoundError } from "cognito-local/lib/errors.js";
export { Router } from "cognito-local/lib/server/Router.js";
export { createServer } from "cognito-local/lib/server/server.js";
export type { AppClient } from "cognito-local/lib/services/appClient.js";
export type { CognitoService } from "cognito-local/lib/services/cognitoService.js";
export { CognitoServiceFactoryImpl } from "cognito-local/lib/services/cognitoService.js";
export type { Context } from "cognito-local/lib/services/context.js";
export { CryptoService } from "cognito-local/lib/services/crypto.js";
export { StormDBDataStoreFactory } from "cognito-local/lib/services/dataStore/stormDb.js";
export type { Services } from "cognito-local/lib/services/index.js";
export { DateClock, LambdaService, TriggersService } from "cognito-local/lib/services/index.js";
export type { DeliveryDetails } from "cognito-local/lib/services/messageDelivery/messageDelivery.js";
export { MessageDeliveryService } from "cognito-local/lib/services/messageDelivery/messageDelivery.js";
export type { MessageSender } from "cognito-local/lib/services/messageDelivery/messageSender.js";
export type { Message, Messages } from "cognito-local/lib/services/messages.js";
export { otp } from "cognito-local/lib/services/otp.js";
export type { TokenGenerator, Tokens } from "cognito-local/lib/services/tokenGenerator.js";
export { JwtTokenGenerator } from "cognito-local/lib/services/tokenGenerator.js";
export type { User, UserPool, UserPoolService } from "cognito-local/lib/services/userPoolService.js";
export {
  attributesToRecord,
  attributeValue,
  UserPoolServiceFactoryImpl,
} from "cognito-local/lib/services/userPoolService.js";
export { userToResponseObject } from "cognito-local/lib/targets/responses.js";
export { Targets } from "cognito-local/lib/targets/targets.js";

/** cognito-local's signing key: its JWKS (`/<pool>/.well-known/jwks.json`) publishes the public half, kid "CognitoLocal". */
export const SIGNING_KEY_FILE = "cognito-local/lib/keys/cognitoLocal.private.json";
export const SIGNING_KEY_ID = "CognitoLocal";
