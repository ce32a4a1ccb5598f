import { useState } from "preact/hooks";
import { AuthError, chooseNewPassword, signIn } from "./auth.js";
import { html } from "./html.js";
import { translator } from "./i18n.js";
import { Page } from "./ui.js";

/**
 * Sign-in to the staff user pool (Cognito; locally the local pool), straight from the browser, and the new
 * password a first sign-in with a temporary one must choose. The same calls as the scanner's.
 */

export const WORDS = {
  en: {
    title: "Sign in",
    intro: "Sign in with the e-mail address your invitation was sent to.",
    email: "E-mail",
    password: "Password",
    submit: "Sign in",
    wrong: "Wrong e-mail or password.",
    reset: "Your password must be reset: ask the owner to send you a new invitation.",
    network: "The sign-in service cannot be reached. Check the network and try again.",
    failed: "Sign-in failed: {message}",
    newTitle: "Choose your password",
    newIntro:
      "This is your first sign-in: replace the temporary password with your own. At least 12 characters, with upper and lower case letters, a digit and a symbol.",
    newPassword: "New password",
    confirm: "New password again",
    save: "Save and sign in",
    differ: "The two passwords differ.",
    refused: "This password is refused: {message}",
  },
  fr: {
    title: "Connexion",
    intro: "Connectez-vous avec l'adresse e-mail qui a reçu votre invitation.",
    email: "E-mail",
    password: "Mot de passe",
    submit: "Se connecter",
    wrong: "E-mail ou mot de passe incorrect.",
    reset: "Votre mot de passe doit être réinitialisé : demandez une nouvelle invitation au responsable.",
    network: "Le service de connexion est injoignable. Vérifiez le réseau et réessayez.",
    failed: "La connexion a échoué : {message}",
    newTitle: "Choisissez votre mot de passe",
    newIntro:
      "C'est votre première connexion : remplacez le mot de passe provisoire par le vôtre. Au moins 12 caractères, avec majuscules, minuscules, un chiffre et un symbole.",
    newPassword: "Nouveau mot de passe",
    confirm: "Nouveau mot de passe, à nouveau",
    save: "Enregistrer et se connecter",
    differ: "Les deux mots de passe diffèrent.",
    refused: "Ce mot de passe est refusé : {message}",
  },
};
const t = translator(WORDS);

function reasonFor(error) {
  if (!(error instanceof AuthError)) return t("failed", { message: String(error) });
  if (error.type === "NetworkError") return t("network");
  if (error.type === "NotAuthorizedException" || error.type === "UserNotFoundException") return t("wrong");
  if (error.type === "PasswordResetRequiredException") return t("reset");
  return t("failed", { message: error.message });
}

export function SignIn({ config, onSignedIn }) {
  const [challenge, setChallenge] = useState(undefined);
  const [email, setEmail] = useState("");
  const [error, setError] = useState("");
  const [pending, setPending] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError("");
    try {
      const address = String(form.get("email")).trim();
      const answer = await signIn(config, address, String(form.get("password")));
      setEmail(address);
      if (answer.challenge) setChallenge(answer.session);
      else onSignedIn();
    } catch (caught) {
      setError(reasonFor(caught));
    } finally {
      setPending(false);
    }
  };

  const choose = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("newPassword") !== form.get("confirm")) return setError(t("differ"));
    setPending(true);
    setError("");
    try {
      await chooseNewPassword(config, email, challenge, String(form.get("newPassword")));
      onSignedIn();
    } catch (caught) {
      setError(
        caught instanceof AuthError && caught.type === "InvalidPasswordException"
          ? t("refused", { message: caught.message })
          : reasonFor(caught),
      );
    } finally {
      setPending(false);
    }
  };

  if (challenge) {
    return html`<${Page} title=${t("newTitle")}>
      <p id="new-intro">${t("newIntro")}</p>
      <form class="narrow" onSubmit=${choose}>
        <label for="new-password">${t("newPassword")}</label>
        <input id="new-password" name="newPassword" type="password" autocomplete="new-password" required minlength="12" aria-describedby="new-intro" />
        <label for="new-confirm">${t("confirm")}</label>
        <input id="new-confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" />
        <p class="error" role="alert">${error}</p>
        <button type="submit" class="primary" disabled=${pending}>${t("save")}</button>
      </form>
    <//>`;
  }
  return html`<${Page} title=${t("title")}>
    <p>${t("intro")}</p>
    <form class="narrow" onSubmit=${submit}>
      <label for="signin-email">${t("email")}</label>
      <input id="signin-email" name="email" type="email" autocomplete="username" required />
      <label for="signin-password">${t("password")}</label>
      <input id="signin-password" name="password" type="password" autocomplete="current-password" required />
      <p class="error" role="alert">${error}</p>
      <button type="submit" class="primary" disabled=${pending}>${t("submit")}</button>
    </form>
  <//>`;
}
