import { useState } from "preact/hooks";
import { send } from "./client.js";
import { html } from "./html.js";
import { translator, useLocale } from "./i18n.js";
import { Confirm, Status } from "./settings-common.js";
import { Dialog } from "./ui.js";

/**
 * Statement keys (POST /v1/statement-keys/rotate, `keys:manage`): a new signing key for the statements
 * customers download. The key being replaced stays published, so what it signed still verifies; the one
 * before it is dropped.
 */

export const WORDS = {
  en: {
    intro:
      "Customers' statements are signed, so anyone can check they came from you and were not altered. Rotate the key if you think it leaked, or on a regular schedule.",
    effect:
      "After a rotation, statements signed with the current key still verify; those signed with the key before it no longer do.",
    rotate: "Rotate the signing key",
    confirmTitle: "Rotate the signing key?",
    confirm: "Rotate now",
    rotated: "The key was rotated. Keys now published: {kids}.",
  },
  fr: {
    intro:
      "Les relevés des clients sont signés : chacun peut vérifier qu'ils viennent de vous et n'ont pas été modifiés. Renouvelez la clé si vous pensez qu'elle a fuité, ou à intervalles réguliers.",
    effect:
      "Après un renouvellement, les relevés signés avec la clé actuelle restent vérifiables ; ceux signés avec la clé précédente ne le sont plus.",
    rotate: "Renouveler la clé de signature",
    confirmTitle: "Renouveler la clé de signature ?",
    confirm: "Renouveler maintenant",
    rotated: "La clé a été renouvelée. Clés publiées : {kids}.",
  },
};
const t = translator(WORDS);

export default function KeysSection() {
  useLocale();
  const [asking, setAsking] = useState(false);
  const [status, setStatus] = useState("");
  const rotated = (jwks) => {
    setAsking(false);
    setStatus(t("rotated", { kids: jwks.keys.map((key) => key.kid).join(", ") }));
  };
  return html`<div class="settings-section">
    <p>${t("intro")}</p>
    <p class="hint">${t("effect")}</p>
    <${Status} text=${status} />
    <div class="actions">
      <button type="button" class="danger" onClick=${() => setAsking(true)}>${t("rotate")}</button>
    </div>
    <${Dialog} open=${asking} title=${t("confirmTitle")} onClose=${() => setAsking(false)}>
      ${
        asking
          ? html`<${Confirm}
              text=${t("effect")}
              confirm=${t("confirm")}
              perform=${() => send("POST", "/v1/statement-keys/rotate")}
              onDone=${rotated}
              onCancel=${() => setAsking(false)}
            />`
          : null
      }
    <//>
  </div>`;
}
