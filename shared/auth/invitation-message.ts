/**
 * The invitation Cognito e-mails a new staff member or a new merchant owner (AdminCreateUser). The stack
 * gives it to the user pool (infra/stack/staff-auth.ts) and the local user pool sends the same text, so
 * what a person receives locally is what they would receive on AWS. Cognito requires both placeholders:
 * `{username}` (the account's user name, with an e-mail sign-in the user's id) and `{####}` (the temporary password).
 */
export const INVITATION_MESSAGE = {
  subject: "Your loyalty-wallet sign-in / Votre accès loyalty-wallet",
  body: [
    "Sign in to loyalty-wallet with this e-mail address and the temporary password {####} (account {username}).",
    "You will choose your own password at the first sign-in. The temporary password is valid for 3 days.",
    "",
    "Connectez-vous à loyalty-wallet avec cette adresse e-mail et le mot de passe provisoire {####} (compte {username}).",
    "Vous choisirez votre mot de passe à la première connexion. Le mot de passe provisoire est valable 3 jours.",
  ].join("\n"),
} as const;
