import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { LoyaltyWalletStack } from "./stack/loyalty-wallet-stack.ts";
import { readStageConfig } from "./stack/stage-config.ts";

/**
 * `npx cdk synth|deploy -c stage=dev|prod`. The stack is environment-agnostic (no lookups), so synth
 * works offline; deploy targets the account and region of the credentials in use.
 */
const app = new App();
const config = readStageConfig(app.node);

new LoyaltyWalletStack(app, `loyalty-wallet-${config.stage}`, {
  config,
  description: `loyalty-wallet (${config.stage}): loyalty points API, wallet pass updates, expiry job`,
  terminationProtection: config.stage === "prod",
});
Tags.of(app).add("project", "loyalty-wallet");
Tags.of(app).add("stage", config.stage);

// Any AwsSolutions finding not acknowledged (next to its resource, with a reason) fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
