import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { handler as productPreTokenGeneration } from "../../../functions/cognito-pre-token.ts";
import { AuthSessions } from "./auth-sessions.ts";
import {
  CognitoServiceFactoryImpl,
  CryptoService,
  createServer,
  DateClock,
  JwtTokenGenerator,
  LambdaService,
  otp,
  Router,
  type Services,
  StormDBDataStoreFactory,
  TriggersService,
  UserPoolServiceFactoryImpl,
} from "./cognito-local.ts";
import { withGapFills } from "./gap-fills/index.ts";
import { PoolTemplateMessages } from "./pool-messages.ts";
import { PreTokenGenerationV2, type PreTokenGenerationV2Handler } from "./pre-token-v2.ts";

export interface UserPoolEmulatorOptions {
  /** Where the pools, clients and users are kept (JSON files); kept across restarts. */
  dataDir: string;
  /** Where each pool's messages are written as .eml files: one directory, or one per pool id. */
  mailDir: string | ((userPoolId: string) => string);
  port?: number;
  host?: string;
  /** The region the trigger events name; the SDK clients may use any. */
  region?: string;
  /** The pre-token-generation V2 handler pools with a V2_0 trigger run; the product's by default. */
  preTokenGeneration?: PreTokenGenerationV2Handler;
}

export interface UserPoolEmulator {
  /** What the SDK's `endpoint` and the pools' issuers are built on, e.g. http://127.0.0.1:9229. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A Cognito user pool service on 127.0.0.1: the `cognito-local` emulator composed from its modules
 * (as its createDefaultServer does) with what the product needs changed: data in `dataDir`, messages
 * from the pool's templates written as .eml files, pre-token generation V2 on the access token, and the
 * gap fills of gap-fills/. The same SDK calls as on AWS work against it with only the endpoint changed.
 */
export async function startUserPoolEmulator(options: UserPoolEmulatorOptions): Promise<UserPoolEmulator> {
  const host = options.host ?? "127.0.0.1";
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;

  const logger = pinoLogger();
  const ctx = { logger };
  const clock = new DateClock();
  const dataStores = new StormDBDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    dataStores,
    new UserPoolServiceFactoryImpl(clock, dataStores),
  ).create(ctx, {});
  // No cognito-local trigger is configured (pre-token generation runs in PreTokenGenerationV2), so its
  // Lambda and KMS clients are never called.
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService({}, {} as never),
    new CryptoService({}),
  );
  const mailDir = options.mailDir;
  const services: Services = {
    clock,
    cognito,
    // Read by cognito-local's targets for TokenConfig and trigger settings only.
    config: {
      LambdaClient: {},
      TriggerFunctions: {},
      UserPoolDefaults: {},
      ServerConfig: { hostname: host, development: false },
      // The issuer is the address the pool is really reached at, as Cognito's is its regional endpoint.
      TokenConfig: { IssuerDomain: endpoint },
    },
    messages: new PoolTemplateMessages(cognito, typeof mailDir === "string" ? () => mailDir : mailDir),
    otp,
    tokenGenerator: new PreTokenGenerationV2(
      new JwtTokenGenerator(clock, triggers, { IssuerDomain: endpoint }),
      cognito,
      options.preTokenGeneration ?? productPreTokenGeneration,
      options.region ?? "eu-west-3",
    ),
    triggers,
  };
  const router = withGapFills(Router(services), services, new AuthSessions());
  const app = createServer(router, logger, { development: false }, services).application as (
    req: unknown,
    res: unknown,
  ) => void;

  server.on("request", (req, res) => {
    // cognito-local's discovery document names http://localhost:9229 whatever its address; Cognito's names
    // the pool's issuer and JWKS.
    const discovery = /^\/([^/]+)\/\.well-known\/openid-configuration$/.exec(req.url ?? "");
    if (req.method === "GET" && discovery) {
      const issuer = `${endpoint}/${discovery[1]}`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ["RS256"],
          subject_types_supported: ["public"],
        }),
      );
      return;
    }
    app(req, res);
  });

  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** cognito-local logs through pino (its own dependency); warnings would fill the output with every refused sign-in. */
function pinoLogger(): Logger {
  const fromCognitoLocal = createRequire(createRequire(import.meta.url).resolve("cognito-local"));
  const pino = fromCognitoLocal("pino") as (options: object) => Logger;
  return pino({ level: process.env.COGNITO_LOCAL_LOG_LEVEL ?? "error" });
}
