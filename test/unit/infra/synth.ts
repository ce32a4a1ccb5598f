import { readFileSync } from "node:fs";
import { App, NestedStack, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import {
  LoyaltyWalletStack,
  type LoyaltyWalletStackProps,
} from "../../../infra/stack/loyalty-wallet-stack.ts";
import { readStageConfig } from "../../../infra/stack/stage-config.ts";

/** cdk.json's context (feature flags included), so tests build the stack as `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL("../../../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface SynthOptions extends Omit<LoyaltyWalletStackProps, "config"> {
  context?: Record<string, unknown>;
}

export interface Synthesized {
  app: App;
  stack: LoyaltyWalletStack;
  /** The root stack's template with every nested stack's resources added, for assertions across both. */
  template: Template;
  /** The root stack's own template. */
  root: Template;
  nested: { stack: NestedStack; template: Template }[];
}

type Json = unknown;

/** Replaces each { Ref: parameter } with what the parent passes for it, so nested resources read as the root's. */
function substitute(value: Json, parameters: Record<string, Json>): Json {
  if (Array.isArray(value)) return value.map((item) => substitute(item, parameters));
  if (value && typeof value === "object") {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === "string" && Object.keys(value).length === 1 && ref in parameters)
      return parameters[ref];
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, parameters)]),
    );
  }
  return value;
}

/**
 * The root's resources and every nested stack's, with nested parameters resolved: assertions can then
 * compare a nested function's environment or policy with root resources directly. Logical ids are
 * unique per template, and a clash would mean a lost resource.
 */
function mergedTemplate(
  stack: Stack,
  root: Template,
  nested: readonly { stack: NestedStack; template: Template }[],
): Template {
  const json = structuredClone(root.toJSON()) as {
    Resources: Record<string, { Properties?: { Parameters?: Record<string, Json> } }>;
  };
  for (const child of nested) {
    const resourceId = stack.resolve(child.stack.nestedStackResource?.logicalId) as string;
    const parameters = json.Resources[resourceId]?.Properties?.Parameters ?? {};
    const resources = (child.template.toJSON() as { Resources: Record<string, Json> }).Resources;
    for (const [id, resource] of Object.entries(resources)) {
      if (id in json.Resources) throw new Error(`Logical id ${id} appears in two stacks`);
      json.Resources[id] = substitute(resource, parameters) as (typeof json.Resources)[string];
    }
  }
  return Template.fromJSON(json);
}

/** The whole stack with stub code: bundling is exercised by `npm run synth` and by one test of its own. */
export function synthStack(options: SynthOptions = {}): Synthesized {
  const { context, ...props } = options;
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = new LoyaltyWalletStack(app, "loyalty-wallet-test", {
    code: "stub",
    background: [],
    ...props,
    config: readStageConfig(app.node),
  });
  const root = Template.fromStack(stack);
  const nested = stack.node
    .findAll()
    .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))
    .map((nestedStack) => ({ stack: nestedStack, template: Template.fromStack(nestedStack as Stack) }));
  return { app, stack, template: mergedTemplate(stack, root, nested), root, nested };
}

export type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
>;

export interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Logical id of the role of the function whose Description names functions/<handler>.ts. */
export function roleOfHandler(template: Template, handler: string): string {
  const functions = template.findResources("AWS::Lambda::Function") as Resources;
  const match = Object.values(functions).find((fn) =>
    String(fn.Properties.Description ?? "").includes(`functions/${handler}.ts`),
  );
  const role = (match?.Properties.Role as { "Fn::GetAtt"?: [string, string] } | undefined)?.[
    "Fn::GetAtt"
  ]?.[0];
  if (!role) throw new Error(`No function for functions/${handler}.ts`);
  return role;
}

/** Every statement of every inline policy attached to a role. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = template.findResources("AWS::IAM::Policy") as Resources;
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[] | undefined)?.some((ref) => ref.Ref === roleLogicalId),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

export function actionsOfHandler(template: Template, handler: string): Set<string> {
  return new Set(statementsOfRole(template, roleOfHandler(template, handler)).flatMap(actionsOf));
}

/** Environment variables of the function whose Description names functions/<handler>.ts. */
export function envOfHandler(template: Template, handler: string): Record<string, unknown> {
  const functions = template.findResources("AWS::Lambda::Function") as Resources;
  const match = Object.values(functions).find((fn) =>
    String(fn.Properties.Description ?? "").includes(`functions/${handler}.ts`),
  );
  if (!match) throw new Error(`No function for functions/${handler}.ts`);
  return (
    (match.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}
  );
}
