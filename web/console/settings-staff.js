import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { translator, useLocale } from "./i18n.js";
import { canUseLocation, useSession } from "./session.js";
import { Confirm, SectionError, Status, textOf } from "./settings-common.js";
import { RolesEditor } from "./settings-roles.js";
import { Dialog, Field, Loading, useAction, useLoad } from "./ui.js";

/**
 * Staff (GET/POST /v1/staff, PATCH /v1/staff/{id}, POST …/invite): who works here, in which role and at
 * which locations. Adding a member with an address sends their invitation (a temporary password from the
 * user pool); deactivating signs them out everywhere. Below, what each role may do (settings-roles.js).
 */

export const WORDS = {
  en: {
    caption: "Staff members",
    name: "Name",
    email: "E-mail",
    role: "Role",
    locations: "Locations",
    state: "State",
    actions: "Actions",
    everywhere: "All locations",
    active: "active",
    inactive: "deactivated",
    signsIn: "signs in",
    noSignIn: "no sign-in",
    invite: "Invite a staff member",
    sendInvite: "Add and send the invitation",
    emailHint: "The invitation, with a temporary password valid 3 days, goes to this address.",
    change: "Change",
    changeName: "Change {name}",
    save: "Save",
    deactivate: "Deactivate",
    deactivateName: "Deactivate {name}",
    deactivateTitle: "Deactivate {name}?",
    deactivateText: "{name} is signed out everywhere at once and can no longer sign in, until reactivated.",
    confirmDeactivate: "Deactivate {name}",
    reactivate: "Reactivate",
    reactivateName: "Reactivate {name}",
    resend: "Send the invitation again",
    resendName: "Send the invitation again to {name}",
    where: "Where they work",
    some: "Only these locations",
    invited: "{name} was added; the invitation was sent to {email}.",
    added: "{name} was added.",
    saved: "{name} was saved.",
    deactivated: "{name} was deactivated.",
    reactivated: "{name} was reactivated.",
    resent: "A new invitation was sent to {email}.",
    you: "you",
    role_owner: "owner",
    role_manager: "manager",
    role_staff: "staff",
  },
  fr: {
    caption: "Membres de l'équipe",
    name: "Nom",
    email: "E-mail",
    role: "Rôle",
    locations: "Emplacements",
    state: "État",
    actions: "Actions",
    everywhere: "Tous les emplacements",
    active: "actif",
    inactive: "désactivé",
    signsIn: "se connecte",
    noSignIn: "sans connexion",
    invite: "Inviter un membre de l'équipe",
    sendInvite: "Ajouter et envoyer l'invitation",
    emailHint: "L'invitation, avec un mot de passe temporaire valable 3 jours, est envoyée à cette adresse.",
    change: "Modifier",
    changeName: "Modifier {name}",
    save: "Enregistrer",
    deactivate: "Désactiver",
    deactivateName: "Désactiver {name}",
    deactivateTitle: "Désactiver {name} ?",
    deactivateText:
      "{name} est déconnecté partout immédiatement et ne peut plus se connecter, jusqu'à sa réactivation.",
    confirmDeactivate: "Désactiver {name}",
    reactivate: "Réactiver",
    reactivateName: "Réactiver {name}",
    resend: "Renvoyer l'invitation",
    resendName: "Renvoyer l'invitation à {name}",
    where: "Où travaille ce membre",
    some: "Seulement ces emplacements",
    invited: "{name} a été ajouté ; l'invitation a été envoyée à {email}.",
    added: "{name} a été ajouté.",
    saved: "{name} a été enregistré.",
    deactivated: "{name} a été désactivé.",
    reactivated: "{name} a été réactivé.",
    resent: "Une nouvelle invitation a été envoyée à {email}.",
    you: "vous",
    role_owner: "propriétaire",
    role_manager: "responsable",
    role_staff: "équipier",
  },
};
const t = translator(WORDS);

/** "All locations" or some of them: only what the signed-in member may give (the API refuses more). */
function LocationsChoice({ prefix, member, locations, error }) {
  const session = useSession();
  const everywhereAllowed = session.staff.locationIds === "*";
  const [all, setAll] = useState(member ? member.locationIds === "*" : false);
  const mine = locations.filter((l) => canUseLocation(session, l.id));
  const has = (id) => Array.isArray(member?.locationIds) && member.locationIds.includes(id);
  const reason = error?.fieldReason?.("locationIds");
  return html`<fieldset aria-describedby=${reason ? `${prefix}-where-error` : undefined}>
    <legend>${t("where")}</legend>
    ${
      everywhereAllowed
        ? html`<div class="choice">
            <input type="radio" id=${`${prefix}-all`} name="where" value="all" checked=${all} onChange=${() => setAll(true)} />
            <label for=${`${prefix}-all`}>${t("everywhere")}</label>
          </div>
          <div class="choice">
            <input type="radio" id=${`${prefix}-some`} name="where" value="some" checked=${!all} onChange=${() => setAll(false)} />
            <label for=${`${prefix}-some`}>${t("some")}</label>
          </div>`
        : null
    }
    ${
      all
        ? null
        : html`<ul class="choices">
          ${mine.map(
            (l, index) => html`<li class="choice">
              <input type="checkbox" id=${`${prefix}-loc-${index}`} name="locationIds" value=${l.id} defaultChecked=${has(l.id) || (!member && mine.length === 1)} />
              <label for=${`${prefix}-loc-${index}`}>${l.name}</label>
            </li>`,
          )}
        </ul>`
    }
    ${reason ? html`<p class="field-error" id=${`${prefix}-where-error`}>${reason}</p>` : null}
  </fieldset>`;
}

const locationIdsOf = (form) => (form.get("where") === "all" ? "*" : form.getAll("locationIds").map(String));

function MemberForm({ member, locations, onDone }) {
  const session = useSession();
  const action = useAction();
  const prefix = member ? `staff-${member.id}` : "staff-new";
  const roles = session.staff.role === "owner" ? ["staff", "manager", "owner"] : ["staff", "manager"];
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: textOf(form.get("name")) ?? "",
      role: String(form.get("role")),
      locationIds: locationIdsOf(form),
    };
    const email = textOf(form.get("email"));
    if (!member && email) body.email = email;
    const saved = await action.run((key) =>
      member
        ? send("PATCH", `/v1/staff/${encodeURIComponent(member.id)}`, body)
        : send("POST", "/v1/staff", body, key),
    );
    if (!saved) return;
    const { name } = saved.staff;
    onDone(
      member
        ? t("saved", { name })
        : email
          ? t("invited", { name, email: saved.staff.email })
          : t("added", { name }),
    );
  };
  const attrs = ({ id, describedBy, invalid }) => ({
    id,
    "aria-describedby": describedBy,
    "aria-invalid": invalid ? "true" : undefined,
  });
  return html`<form onSubmit=${submit} onInput=${action.error ? action.reset : undefined}>
    <${Field} id=${`${prefix}-name`} label=${t("name")} field="name" error=${action.error} required>
      ${(a) => html`<input ...${attrs(a)} name="name" required maxlength="100" size="30" autocomplete="off" defaultValue=${member?.name ?? ""} />`}
    <//>
    ${
      member
        ? null
        : html`<${Field} id=${`${prefix}-email`} label=${t("email")} hint=${t("emailHint")} field="email" error=${action.error}>
          ${(a) => html`<input ...${attrs(a)} name="email" type="email" maxlength="254" size="30" autocomplete="off" />`}
        <//>`
    }
    <${Field} id=${`${prefix}-role`} label=${t("role")} field="role" error=${action.error} required>
      ${(a) => html`<select ...${attrs(a)} name="role">
        ${roles.map((role) => html`<option value=${role} selected=${role === (member?.role ?? "staff")}>${t(`role_${role}`)}</option>`)}
      </select>`}
    <//>
    <${LocationsChoice} prefix=${prefix} member=${member} locations=${locations} error=${action.error} />
    <${SectionError} error=${action.error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${action.pending}>${member ? t("save") : t("sendInvite")}</button>
    </div>
  </form>`;
}

export default function StaffSection() {
  useLocale();
  const session = useSession();
  const all = useLoad(
    () => Promise.all([get("/v1/staff"), get("/v1/locations")]).then(([s, l]) => ({ ...s, ...l })),
    [],
  );
  const [dialog, setDialog] = useState(undefined);
  const [status, setStatus] = useState("");
  const quick = useAction();
  const close = () => setDialog(undefined);
  const done = (text) => {
    close();
    setStatus(text);
    all.reload();
  };
  const reactivate = async (member) => {
    const saved = await quick.run(() =>
      send("PATCH", `/v1/staff/${encodeURIComponent(member.id)}`, { active: true }),
    );
    if (saved) done(t("reactivated", { name: saved.staff.name }));
  };
  const resend = async (member) => {
    const sent = await quick.run((key) =>
      send("POST", `/v1/staff/${encodeURIComponent(member.id)}/invite`, undefined, key),
    );
    if (sent) done(t("resent", { email: sent.staff.email }));
  };

  if (all.loading && !all.data) return html`<${Loading} />`;
  if (all.error) return html`<${SectionError} error=${all.error} onRetry=${all.reload} />`;
  const { staff, locations } = all.data;
  const placeNames = (ids) =>
    ids === "*"
      ? t("everywhere")
      : ids.map((id) => locations.find((l) => l.id === id)?.name ?? id).join(", ");
  const title =
    dialog?.kind === "change"
      ? t("changeName", { name: dialog.member.name })
      : dialog?.kind === "deactivate"
        ? t("deactivateTitle", { name: dialog.member.name })
        : t("invite");
  return html`<div class="settings-section">
    <${Status} text=${status} />
    <${SectionError} error=${quick.error} />
    <div class="actions">
      <button type="button" class="primary" onClick=${() => setDialog({ kind: "invite" })}>${t("invite")}</button>
    </div>
    <table>
      <caption>${t("caption")}</caption>
      <thead><tr>
        <th scope="col">${t("name")}</th><th scope="col">${t("email")}</th><th scope="col">${t("role")}</th>
        <th scope="col">${t("locations")}</th><th scope="col">${t("state")}</th><th scope="col">${t("actions")}</th>
      </tr></thead>
      <tbody>
        ${staff.map((member) => {
          const self = member.id === session.staff.id;
          return html`<tr>
            <th scope="row">${member.name}${self ? html` <span class="muted">(${t("you")})</span>` : null}</th>
            <td>${member.email ?? ""}</td>
            <td>${t(`role_${member.role}`)}</td>
            <td>${placeNames(member.locationIds)}</td>
            <td>
              <span class="badge">${member.active ? t("active") : t("inactive")}</span>
              <span class="muted"> ${member.hasSignIn ? t("signsIn") : t("noSignIn")}</span>
            </td>
            <td><div class="row-actions">
              ${
                member.active
                  ? html`<button type="button" aria-label=${t("changeName", { name: member.name })} onClick=${() => setDialog({ kind: "change", member })}>${t("change")}</button>`
                  : null
              }
              ${
                member.active && member.email && !self
                  ? html`<button type="button" aria-label=${t("resendName", { name: member.name })} disabled=${quick.pending} onClick=${() => resend(member)}>${t("resend")}</button>`
                  : null
              }
              ${
                member.active && !self
                  ? html`<button type="button" class="danger" aria-label=${t("deactivateName", { name: member.name })} onClick=${() => setDialog({ kind: "deactivate", member })}>${t("deactivate")}</button>`
                  : null
              }
              ${
                member.active
                  ? null
                  : html`<button type="button" aria-label=${t("reactivateName", { name: member.name })} disabled=${quick.pending} onClick=${() => reactivate(member)}>${t("reactivate")}</button>`
              }</div></td>
          </tr>`;
        })}
      </tbody>
    </table>
    <${Dialog} open=${Boolean(dialog)} title=${title} onClose=${close}>
      ${
        dialog?.kind === "deactivate"
          ? html`<${Confirm}
              text=${t("deactivateText", { name: dialog.member.name })}
              confirm=${t("confirmDeactivate", { name: dialog.member.name })}
              perform=${() => send("PATCH", `/v1/staff/${encodeURIComponent(dialog.member.id)}`, { active: false })}
              onDone=${(answer) => done(t("deactivated", { name: answer.staff.name }))}
              onCancel=${close}
            />`
          : dialog
            ? html`<${MemberForm} key=${dialog.member?.id ?? "new"} member=${dialog.member} locations=${locations} onDone=${done} />`
            : null
      }
    <//>
    <${RolesEditor} />
  </div>`;
}
