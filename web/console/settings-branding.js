import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { formatPoints, translator, useLocale } from "./i18n.js";
import { useSession } from "./session.js";
import { SectionError, Status, textOf } from "./settings-common.js";
import { Field, Loading, useAction, useLoad } from "./ui.js";

/**
 * Branding (GET/PATCH /v1/settings `branding`): the pass colours, logo and contact details, with the
 * front of the card drawn in the page as the form changes (the fields passes/apple/pass-fields.ts puts on
 * a storeCard: the balance, the member, the next reward, the QR code), before anything is saved.
 */

export const WORDS = {
  en: {
    colours: "Colours of the card",
    background: "Background",
    foreground: "Text",
    label: "Labels",
    logo: "Logo (PNG)",
    logoHint: "A PNG of at most about 64 KB, shown at the top left of the card.",
    logoKept: "The card has a logo ({bytes} bytes): it stays as it is unless you choose another file.",
    contact: "Contact details on the back of the card",
    phone: "Phone",
    email: "E-mail",
    website: "Website (https)",
    terms: "Terms of the loyalty programme (https)",
    termsHint: "Linked from the join page.",
    save: "Save the branding",
    saved: "The branding was saved. Cards are updated the next time they change.",
    preview: "Preview",
    previewCaption:
      "The front of {merchant}'s card as Wallet shows it, with a sample member and balance. It follows the form before you save.",
    lowContrast:
      "{what} may be hard to read on this background: contrast {ratio}:1, at least 4.5:1 is advised.",
    textWord: "The text",
    labelsWord: "The labels",
    passPoints: "Points",
    passMember: "Member",
    passNextReward: "Next reward",
    sampleMember: "Camille Martin",
    sampleReward: "{points} more points for a free coffee",
    logoPlaceholder: "Logo",
    qr: "QR code",
  },
  fr: {
    colours: "Couleurs de la carte",
    background: "Fond",
    foreground: "Texte",
    label: "Libellés",
    logo: "Logo (PNG)",
    logoHint: "Un PNG d'environ 64 Ko au plus, affiché en haut à gauche de la carte.",
    logoKept:
      "La carte a un logo ({bytes} octets) : il reste tel quel, sauf si vous choisissez un autre fichier.",
    contact: "Coordonnées au dos de la carte",
    phone: "Téléphone",
    email: "E-mail",
    website: "Site web (https)",
    terms: "Conditions du programme de fidélité (https)",
    termsHint: "Lien affiché sur la page d'inscription.",
    save: "Enregistrer l'apparence",
    saved: "L'apparence a été enregistrée. Les cartes sont mises à jour à leur prochain changement.",
    preview: "Aperçu",
    previewCaption:
      "Le recto de la carte de {merchant} tel que Wallet l'affiche, avec un membre et un solde d'exemple. Il suit le formulaire avant l'enregistrement.",
    lowContrast:
      "{what} risque d'être difficile à lire sur ce fond : contraste de {ratio}:1, au moins 4,5:1 est conseillé.",
    textWord: "Le texte",
    labelsWord: "Les libellés",
    passPoints: "Points",
    passMember: "Membre",
    passNextReward: "Prochaine récompense",
    sampleMember: "Camille Martin",
    sampleReward: "Encore {points} points pour un café offert",
    logoPlaceholder: "Logo",
    qr: "QR code",
  },
};
const t = translator(WORDS);

/** The pass's colours when the merchant chose none (passes/member-pass.ts DEFAULT_COLORS). */
const DEFAULTS = {
  background: "rgb(32, 44, 57)",
  foreground: "rgb(255, 255, 255)",
  label: "rgb(190, 200, 210)",
};

/** "rgb(32, 44, 57)" (Apple's syntax, the API's) ↔ "#202c39" (what a colour input holds). */
export const hexOf = (rgb) =>
  `#${(rgb.match(/\d+/g) ?? [0, 0, 0]).map((n) => Number(n).toString(16).padStart(2, "0")).join("")}`;
export const rgbOf = (hex) =>
  `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** WCAG 2.2 contrast ratio of two "#rrggbb" colours. */
export function contrast(a, b) {
  const luminance = (hex) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

/**
 * The card's front. Its colours are set through the CSS object model (custom properties), which the
 * console's CSP (style-src 'self', no inline styles) allows, where a style attribute would be refused.
 */
function PassPreview({ colours, logo, merchant }) {
  const card = useRef(null);
  useLayoutEffect(() => {
    const style = card.current?.style;
    if (!style) return;
    style.setProperty("--pass-bg", colours.background);
    style.setProperty("--pass-fg", colours.foreground);
    style.setProperty("--pass-label", colours.label);
  }, [colours.background, colours.foreground, colours.label]);
  const balance = 120;
  return html`<figure class="pass-figure">
    <div class="pass-preview" ref=${card} data-testid="pass-preview">
      <div class="pass-top">
        ${logo ? html`<img class="pass-logo" src=${logo} alt="" />` : html`<span class="pass-logo pass-logo-empty">${t("logoPlaceholder")}</span>`}
      </div>
      <div class="pass-primary">
        <span class="pass-label">${t("passPoints")}</span>
        <span class="pass-balance">${formatPoints(balance)}</span>
      </div>
      <div class="pass-secondary">
        <div>
          <span class="pass-label">${t("passMember")}</span>
          <span class="pass-value">${t("sampleMember")}</span>
        </div>
        <div>
          <span class="pass-label">${t("passNextReward")}</span>
          <span class="pass-value">${t("sampleReward", { points: formatPoints(30) })}</span>
        </div>
      </div>
      <div class="pass-qr"><span>${t("qr")}</span></div>
    </div>
    <figcaption class="hint">${t("previewCaption", { merchant })}</figcaption>
  </figure>`;
}

const base64Of = (dataUrl) => dataUrl.slice(dataUrl.indexOf(",") + 1);

function BrandingForm({ settings, onSaved }) {
  const session = useSession();
  const action = useAction();
  const branding = settings.branding;
  const [colours, setColours] = useState({
    background: hexOf(branding.backgroundColor ?? DEFAULTS.background),
    foreground: hexOf(branding.foregroundColor ?? DEFAULTS.foreground),
    label: hexOf(branding.labelColor ?? DEFAULTS.label),
  });
  const [logo, setLogo] = useState(undefined);
  const contact = branding.contact ?? {};

  const pickLogo = (event) => {
    const file = event.currentTarget.files?.[0];
    if (!file) return setLogo(undefined);
    const reader = new FileReader();
    reader.onload = () => setLogo(String(reader.result));
    reader.readAsDataURL(file);
  };
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const details = Object.fromEntries(
      ["phone", "email", "website"]
        .map((name) => [name, textOf(form.get(name))])
        .filter(([, value]) => value),
    );
    const body = {
      branding: {
        backgroundColor: rgbOf(colours.background),
        foregroundColor: rgbOf(colours.foreground),
        labelColor: rgbOf(colours.label),
        ...(logo ? { logoPngBase64: base64Of(logo) } : {}),
        ...(Object.keys(details).length ? { contact: details } : {}),
        ...(textOf(form.get("termsUrl")) ? { termsUrl: textOf(form.get("termsUrl")) } : {}),
      },
    };
    const saved = await action.run(() => send("PATCH", "/v1/settings", body));
    if (saved) onSaved();
  };
  const colour = (name, word) =>
    html`<${Field} id=${`branding-${name}`} label=${t(word)} field=${`branding.${name}Color`} error=${action.error}>
      ${({ id, describedBy, invalid }) =>
        html`<input id=${id} type="color" value=${colours[name]} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined}
          onInput=${(event) => setColours({ ...colours, [name]: event.currentTarget.value })} />
          <span class="muted colour-code">${rgbOf(colours[name])}</span>`}
    <//>`;
  const text = (name, field, word, attributes = {}, hint) =>
    html`<${Field} id=${`branding-${name}`} label=${t(word)} hint=${hint} field=${field} error=${action.error}>
      ${({ id, describedBy, invalid }) =>
        html`<input id=${id} name=${name} ...${attributes} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
    <//>`;
  const warnings = [
    ["textWord", contrast(colours.foreground, colours.background)],
    ["labelsWord", contrast(colours.label, colours.background)],
  ].filter(([, ratio]) => ratio < 4.5);
  return html`<div class="branding">
    <form onSubmit=${submit} onInput=${action.error ? action.reset : undefined}>
      <fieldset>
        <legend>${t("colours")}</legend>
        <div class="settings-row">
          ${colour("background", "background")} ${colour("foreground", "foreground")} ${colour("label", "label")}
        </div>
        ${warnings.map(
          ([what, ratio]) =>
            html`<p class="warning">${t("lowContrast", { what: t(what), ratio: ratio.toFixed(1) })}</p>`,
        )}
      </fieldset>
      ${text("logo", "branding.logoPngBase64", "logo", { type: "file", accept: "image/png", onChange: pickLogo }, t("logoHint"))}
      ${branding.logoBytes && !logo ? html`<p class="notice">${t("logoKept", { bytes: formatPoints(branding.logoBytes) })}</p>` : null}
      <fieldset>
        <legend>${t("contact")}</legend>
        ${text("phone", "branding.contact.phone", "phone", { type: "tel", maxlength: 40, defaultValue: contact.phone ?? "" })}
        ${text("email", "branding.contact.email", "email", { type: "email", maxlength: 254, defaultValue: contact.email ?? "" })}
        ${text("website", "branding.contact.website", "website", { type: "url", maxlength: 300, size: 40, defaultValue: contact.website ?? "" })}
      </fieldset>
      ${text("termsUrl", "branding.termsUrl", "terms", { type: "url", maxlength: 300, size: 40, defaultValue: branding.termsUrl ?? "" }, t("termsHint"))}
      <${SectionError} error=${action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${action.pending}>${t("save")}</button>
      </div>
    </form>
    <section aria-labelledby="branding-preview">
      <h2 id="branding-preview">${t("preview")}</h2>
      <${PassPreview} colours=${colours} logo=${logo} merchant=${session.merchant.name} />
    </section>
  </div>`;
}

export default function BrandingSection() {
  useLocale();
  const settings = useLoad(() => get("/v1/settings"), []);
  const [status, setStatus] = useState("");
  const saved = () => {
    setStatus(t("saved"));
    settings.reload();
  };
  if (settings.loading && !settings.data) return html`<${Loading} />`;
  if (settings.error) return html`<${SectionError} error=${settings.error} onRetry=${settings.reload} />`;
  return html`<div class="settings-section">
    <${Status} text=${status} />
    <${BrandingForm} key=${JSON.stringify(settings.data.settings.branding)} settings=${settings.data.settings} onSaved=${saved} />
  </div>`;
}
