import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { translator, useLocale } from "./i18n.js";
import { useSession } from "./session.js";
import { SectionError, Status } from "./settings-common.js";
import { Loading, useAction, useLoad } from "./ui.js";

/**
 * What each role may do (GET /v1/roles, PUT /v1/roles/{role}). The owner holds every permission, always;
 * a member may grant only permissions they hold. A change applies from the next request of everyone in
 * the role.
 */

export const WORDS = {
  en: {
    title: "What each role may do",
    intro: "A change applies at once to everyone in the role. The owner role always holds every permission.",
    roleOf: "Permissions of the {role} role",
    save: "Save the {role} role",
    saved: "The {role} role was saved.",
    custom: "changed from the defaults",
    notYours: "You do not hold this permission, so you cannot grant it.",
    role_owner: "owner",
    role_manager: "manager",
    role_staff: "staff",
    "customers:read": "Look customers up and see their history",
    "customers:write": "Enrol customers and edit their details",
    "transactions:create": "Issue points for a purchase or a visit",
    "redemptions:create": "Redeem rewards",
    "points:adjust": "Issue or deduct points by hand",
    "redemptions:refund": "Refund redemptions and purchase returns",
    "activity:read": "See the activity log",
    "staff:manage": "Manage staff and roles",
    "locations:manage": "Manage locations and posters",
    "programs:manage": "Manage programs, rewards, Moments and branding",
    "claims:review": "Review customers' claims",
    "keys:manage": "Rotate the statement signing key",
    "webhooks:manage": "Manage webhooks",
    "customers:erase": "Erase a customer's personal data",
    "data:import": "Import members and balances",
    "data:export": "Export members, activity and a customer's data",
    "alerts:review": "See fraud alerts and approve held points",
    "referrals:cancel": "Cancel a referral and take its rewards back",
  },
  fr: {
    title: "Ce que chaque rôle peut faire",
    intro:
      "Un changement s'applique immédiatement à tous les membres du rôle. Le rôle propriétaire a toujours toutes les permissions.",
    roleOf: "Permissions du rôle {role}",
    save: "Enregistrer le rôle {role}",
    saved: "Le rôle {role} a été enregistré.",
    custom: "modifié par rapport aux valeurs par défaut",
    notYours: "Vous n'avez pas cette permission : vous ne pouvez pas la donner.",
    role_owner: "propriétaire",
    role_manager: "responsable",
    role_staff: "équipier",
    "customers:read": "Rechercher les clients et voir leur historique",
    "customers:write": "Inscrire les clients et modifier leurs coordonnées",
    "transactions:create": "Donner des points pour un achat ou une visite",
    "redemptions:create": "Échanger des récompenses",
    "points:adjust": "Ajouter ou retirer des points à la main",
    "redemptions:refund": "Annuler des échanges et enregistrer des retours d'achat",
    "activity:read": "Voir le journal d'activité",
    "staff:manage": "Gérer l'équipe et les rôles",
    "locations:manage": "Gérer les emplacements et les affiches",
    "programs:manage": "Gérer les programmes, récompenses, Moments et l'apparence",
    "claims:review": "Traiter les réclamations des clients",
    "keys:manage": "Renouveler la clé de signature des relevés",
    "webhooks:manage": "Gérer les webhooks",
    "customers:erase": "Effacer les données personnelles d'un client",
    "data:import": "Importer des membres et leurs soldes",
    "data:export": "Exporter les membres, l'activité et les données d'un client",
    "alerts:review": "Voir les alertes de fraude et approuver les points en attente",
    "referrals:cancel": "Annuler un parrainage et reprendre ses récompenses",
  },
};
const t = translator(WORDS);

/** Every permission there is: the owner's, who always holds them all (the API's order). */
const allPermissions = (roles) => roles.find((role) => role.role === "owner")?.permissions ?? [];

function RoleForm({ role, permissions, onSaved }) {
  const session = useSession();
  const action = useAction();
  const name = t(`role_${role.role}`);
  const held = new Set(role.permissions);
  const submit = async (event) => {
    event.preventDefault();
    // A disabled box is not in the form data: what the role holds and this member may not grant stays.
    const kept = role.permissions.filter((permission) => !session.can(permission));
    const chosen = [...kept, ...new FormData(event.currentTarget).getAll("permission").map(String)];
    const saved = await action.run(() => send("PUT", `/v1/roles/${role.role}`, { permissions: chosen }));
    if (saved) onSaved(t("saved", { role: name }));
  };
  return html`<form class="card" onSubmit=${submit}>
    <fieldset>
      <legend>${t("roleOf", { role: name })}${role.custom ? html` <span class="muted">(${t("custom")})</span>` : null}</legend>
      <ul class="choices">
        ${permissions.map((permission) => {
          const id = `role-${role.role}-${permission.replace(":", "-")}`;
          const locked = !role.editable || !session.can(permission);
          return html`<li class="choice">
            <input type="checkbox" id=${id} name="permission" value=${permission} defaultChecked=${held.has(permission)}
              disabled=${locked} aria-describedby=${role.editable && locked ? "role-not-yours" : undefined} />
            <label for=${id}>${t(permission)}</label>
          </li>`;
        })}
      </ul>
    </fieldset>
    <${SectionError} error=${action.error} />
    ${
      role.editable
        ? html`<div class="actions"><button type="submit" class="primary" disabled=${action.pending}>${t("save", { role: name })}</button></div>`
        : null
    }
  </form>`;
}

export function RolesEditor() {
  useLocale();
  const session = useSession();
  const roles = useLoad(() => get("/v1/roles"), []);
  const [status, setStatus] = useState("");
  const saved = (text) => {
    setStatus(text);
    roles.reload();
  };
  return html`<section aria-labelledby="roles-title">
    <h2 id="roles-title">${t("title")}</h2>
    <p class="hint">${t("intro")}</p>
    ${
      roles.data && allPermissions(roles.data.roles).some((permission) => !session.can(permission))
        ? html`<p class="hint" id="role-not-yours">${t("notYours")}</p>`
        : null
    }
    <${Status} text=${status} />
    ${roles.loading && !roles.data ? html`<${Loading} />` : null}
    <${SectionError} error=${roles.error} onRetry=${roles.reload} />
    ${
      roles.data
        ? html`<div class="cards roles">
          ${roles.data.roles.map(
            (role) => html`<${RoleForm}
              key=${`${role.role}:${role.permissions.join(",")}`}
              role=${role}
              permissions=${allPermissions(roles.data.roles)}
              onSaved=${saved}
            />`,
          )}
        </div>`
        : null
    }
  </section>`;
}
