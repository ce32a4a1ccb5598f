import type {
  CognitoService,
  Context,
  DeliveryDetails,
  Message,
  Messages,
  User,
  UserPool,
} from "./cognito-local.ts";
import { MessageDeliveryService } from "./cognito-local.ts";
import { EmlMessageSender } from "./eml-sender.ts";

type Source = Parameters<Messages["deliver"]>[1];

// Cognito's texts when the pool sets none (developer guide, "Message templates").
const DEFAULT_INVITATION = {
  subject: "Your temporary password",
  email: "Your username is {username} and temporary password is {####}.",
  sms: "Your username is {username} and temporary password is {####}.",
};
const DEFAULT_VERIFICATION = {
  subject: "Your verification code",
  email: "Your verification code is {####}.",
  sms: "Your verification code is {####}.",
};

/**
 * What the pool sends, from the pool's own templates. cognito-local only fills a message from a
 * CustomMessage trigger and otherwise sends the bare code; Cognito uses the pool's
 * AdminCreateUserConfig.InviteMessageTemplate for invitations and its verification template for codes,
 * substituting `{username}` and `{####}`. Written as .eml files in the pool's mail directory.
 */
export class PoolTemplateMessages implements Messages {
  constructor(
    private readonly cognito: CognitoService,
    private readonly mailDir: (userPoolId: string) => string,
  ) {}

  async deliver(
    ctx: Context,
    source: Source,
    _clientId: string | null,
    userPoolId: string,
    user: User,
    code: string,
    _clientMetadata: Record<string, string> | undefined,
    deliveryDetails: DeliveryDetails,
  ): Promise<void> {
    const pool = (await this.cognito.getUserPool(ctx, userPoolId)).options;
    const template = source === "AdminCreateUser" ? invitationTemplate(pool) : verificationTemplate(pool);
    // "If your template doesn't have this placeholder, Amazon Cognito doesn't deliver the invitation
    // message" (AdminCreateUser API reference).
    if (source === "AdminCreateUser" && !template.email.includes("{####}")) return;
    const fill = (text: string) => text.replaceAll("{username}", user.Username).replaceAll("{####}", code);
    const message: Message = {
      __code: code,
      emailSubject: fill(template.subject),
      emailMessage: fill(template.email),
      smsMessage: fill(template.sms),
    };
    await new MessageDeliveryService(new EmlMessageSender(this.mailDir(userPoolId))).deliver(
      ctx,
      user,
      deliveryDetails,
      message,
    );
  }
}

function invitationTemplate(pool: UserPool) {
  const custom = pool.AdminCreateUserConfig?.InviteMessageTemplate;
  return {
    subject: custom?.EmailSubject ?? DEFAULT_INVITATION.subject,
    email: custom?.EmailMessage ?? DEFAULT_INVITATION.email,
    sms: custom?.SMSMessage ?? DEFAULT_INVITATION.sms,
  };
}

function verificationTemplate(pool: UserPool) {
  const custom = pool.VerificationMessageTemplate;
  return {
    subject: custom?.EmailSubject ?? pool.EmailVerificationSubject ?? DEFAULT_VERIFICATION.subject,
    email: custom?.EmailMessage ?? pool.EmailVerificationMessage ?? DEFAULT_VERIFICATION.email,
    sms: custom?.SmsMessage ?? pool.SmsVerificationMessage ?? DEFAULT_VERIFICATION.sms,
  };
}
