import { useState } from "preact/hooks";
import { get, send } from "./client.js";
import { html } from "./html.js";
import { formatPoints, translator, useLocale } from "./i18n.js";
import { useSession } from "./session.js";
import { Confirm, integerOf, SectionError, Status, textOf } from "./settings-common.js";
import { ApiText, Dialog, Field, Loading, useAction, useLoad } from "./ui.js";

/**
 * Rewards (GET/POST /v1/rewards, PATCH and DELETE /v1/rewards/{id}): the catalogue of each program, what a
 * reward costs and what it gives. Archiving keeps the reward for the redemptions already made.
 */

export const WORDS = {
  en: {
    caption: "Rewards, active and archived",
    name: "Reward",
    program: "Program",
    cost: "Cost (points)",
    gives: "Gives",
    status: "Status",
    actions: "Actions",
    active: "active",
    archived: "archived",
    add: "Add a reward",
    create: "Add the reward",
    editTitle: "Change {name}",
    editShort: "Change",
    save: "Save",
    archive: "Archive",
    archiveName: "Archive {name}",
    archiveTitle: "Archive {name}?",
    archiveText:
      "Customers can no longer redeem it. Redemptions already made keep it, but their unused coupons can no longer be revoked.",
    confirmArchive: "Archive the reward",
    discount: "What the customer gets",
    fixed_amount: "An amount off",
    percentage: "A percentage off",
    free_product: "A free product",
    amount: "Amount off ({currency})",
    amountHint: "For example 5.00",
    percent: "Percent off",
    product: "Product",
    created: "{name} was added.",
    saved: "{name} was saved.",
    archivedDone: "{name} was archived.",
    none: "No reward yet.",
    noProgram: "Add a program first: a reward belongs to one.",
  },
  fr: {
    caption: "Récompenses, actives et archivées",
    name: "Récompense",
    program: "Programme",
    cost: "Coût (points)",
    gives: "Donne",
    status: "Statut",
    actions: "Actions",
    active: "active",
    archived: "archivée",
    add: "Ajouter une récompense",
    create: "Ajouter la récompense",
    editTitle: "Modifier {name}",
    editShort: "Modifier",
    save: "Enregistrer",
    archive: "Archiver",
    archiveName: "Archiver {name}",
    archiveTitle: "Archiver {name} ?",
    archiveText:
      "Les clients ne peuvent plus l'échanger. Les échanges déjà faits la gardent, mais leurs coupons inutilisés ne peuvent plus être révoqués.",
    confirmArchive: "Archiver la récompense",
    discount: "Ce que le client obtient",
    fixed_amount: "Un montant de remise",
    percentage: "Un pourcentage de remise",
    free_product: "Un produit offert",
    amount: "Montant de la remise ({currency})",
    amountHint: "Par exemple 5.00",
    percent: "Pourcentage de remise",
    product: "Produit",
    created: "{name} a été ajoutée.",
    saved: "{name} a été enregistrée.",
    archivedDone: "{name} a été archivée.",
    none: "Aucune récompense pour l'instant.",
    noProgram: "Ajoutez d'abord un programme : une récompense appartient à un programme.",
  },
};
const t = translator(WORDS);

/** A reward's discount is in its program's currency; a visit program's is the merchant's (OpenAPI). */
const currencyOf = (program, merchant) =>
  program?.rule.kind === "purchase" ? program.rule.currency : merchant.currency;

function discountOf(form, currency) {
  const kind = form.get("discountKind");
  if (kind === "fixed_amount") return { kind, amount: textOf(form.get("amount")) ?? "", currency };
  if (kind === "percentage") return { kind, percent: integerOf(form.get("percent")) };
  return { kind, product: textOf(form.get("product")) ?? "" };
}

function RewardForm({ reward, programs, onDone }) {
  const session = useSession();
  const action = useAction();
  const [programId, setProgramId] = useState(reward?.programId ?? programs[0]?.id);
  const [kind, setKind] = useState(reward?.discount.kind ?? "free_product");
  const prefix = reward ? `reward-${reward.id}` : "reward-new";
  const currency = currencyOf(
    programs.find((p) => p.id === programId),
    session.merchant,
  );
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: textOf(form.get("name")) ?? "",
      points: integerOf(form.get("points")),
      discount: discountOf(form, currency),
    };
    const saved = await action.run((key) =>
      reward
        ? send("PATCH", `/v1/rewards/${encodeURIComponent(reward.id)}`, body)
        : send("POST", "/v1/rewards", { programId, ...body }, key),
    );
    if (saved) onDone(t(reward ? "saved" : "created", { name: saved.reward.name }));
  };
  const input = (name, field, label, attributes = {}, hint) =>
    html`<${Field} id=${`${prefix}-${name}`} label=${label} hint=${hint} field=${field} error=${action.error} required>
      ${({ id, describedBy, invalid }) =>
        html`<input id=${id} name=${name} required ...${attributes} aria-describedby=${describedBy} aria-invalid=${invalid ? "true" : undefined} />`}
    <//>`;
  const discount = reward?.discount ?? {};
  return html`<form onSubmit=${submit} onInput=${action.error ? action.reset : undefined}>
    ${
      reward
        ? null
        : html`<div class="field">
          <label for=${`${prefix}-program`}>${t("program")}</label>
          <select id=${`${prefix}-program`} value=${programId} onChange=${(event) => setProgramId(event.currentTarget.value)}>
            ${programs.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
          </select>
        </div>`
    }
    ${input("name", "name", t("name"), { maxlength: 100, size: 30, defaultValue: reward?.name ?? "" })}
    ${input("points", "points", t("cost"), { type: "number", min: 1, max: 10000000, step: 1, defaultValue: reward?.points ?? "" })}
    <fieldset>
      <legend>${t("discount")}</legend>
      <div class="field">
        <label for=${`${prefix}-kind`}>${t("discount")}</label>
        <select id=${`${prefix}-kind`} name="discountKind" value=${kind} onChange=${(event) => setKind(event.currentTarget.value)}>
          ${["free_product", "percentage", "fixed_amount"].map((k) => html`<option value=${k}>${t(k)}</option>`)}
        </select>
      </div>
      ${
        kind === "fixed_amount"
          ? input(
              "amount",
              "discount.amount",
              t("amount", { currency }),
              { inputmode: "decimal", size: 10, defaultValue: discount.amount ?? "" },
              t("amountHint"),
            )
          : null
      }
      ${
        kind === "percentage"
          ? input("percent", "discount.percent", t("percent"), {
              type: "number",
              min: 1,
              max: 100,
              step: 1,
              defaultValue: discount.percent ?? "",
            })
          : null
      }
      ${
        kind === "free_product"
          ? input("product", "discount.product", t("product"), {
              maxlength: 100,
              size: 30,
              defaultValue: discount.product ?? "",
            })
          : null
      }
    </fieldset>
    <${SectionError} error=${action.error} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${action.pending}>${reward ? t("save") : t("create")}</button>
    </div>
  </form>`;
}

export default function RewardsSection() {
  useLocale();
  const all = useLoad(
    () =>
      Promise.all([get("/v1/rewards", { status: "all" }), get("/v1/programs")]).then(([r, p]) => ({
        ...r,
        ...p,
      })),
    [],
  );
  const [dialog, setDialog] = useState(undefined);
  const [status, setStatus] = useState("");
  const close = () => setDialog(undefined);
  const done = (text) => {
    close();
    setStatus(text);
    all.reload();
  };

  if (all.loading && !all.data) return html`<${Loading} />`;
  if (all.error) return html`<${SectionError} error=${all.error} onRetry=${all.reload} />`;
  const { rewards, programs } = all.data;
  const programName = (id) => programs.find((p) => p.id === id)?.name ?? id;
  const title =
    dialog?.kind === "edit"
      ? t("editTitle", { name: dialog.reward.name })
      : dialog?.kind === "archive"
        ? t("archiveTitle", { name: dialog.reward.name })
        : t("add");
  return html`<div class="settings-section">
    <${Status} text=${status} />
    <div class="actions">
      ${
        programs.length
          ? html`<button type="button" class="primary" onClick=${() => setDialog({ kind: "add" })}>${t("add")}</button>`
          : html`<p class="muted">${t("noProgram")}</p>`
      }
    </div>
    ${
      rewards.length
        ? html`<table>
          <caption>${t("caption")}</caption>
          <thead><tr>
            <th scope="col">${t("name")}</th><th scope="col">${t("program")}</th><th scope="col" class="num">${t("cost")}</th>
            <th scope="col">${t("gives")}</th><th scope="col">${t("status")}</th><th scope="col">${t("actions")}</th>
          </tr></thead>
          <tbody>
            ${rewards.map(
              (reward) => html`<tr>
                <th scope="row">${reward.name}</th>
                <td>${programName(reward.programId)}</td>
                <td class="num">${formatPoints(reward.points)}</td>
                <td><${ApiText} text=${reward.description} /></td>
                <td><span class="badge">${t(reward.status)}</span></td>
                <td><div class="row-actions">
                  ${
                    reward.status === "active"
                      ? html`<button type="button" aria-label=${t("editTitle", { name: reward.name })} onClick=${() => setDialog({ kind: "edit", reward })}>${t("editShort")}</button>
                        <button type="button" class="danger" aria-label=${t("archiveName", { name: reward.name })} onClick=${() => setDialog({ kind: "archive", reward })}>${t("archive")}</button>`
                      : null
                  }</div></td>
              </tr>`,
            )}
          </tbody>
        </table>`
        : html`<p>${t("none")}</p>`
    }
    <${Dialog} open=${Boolean(dialog)} title=${title} onClose=${close}>
      ${
        dialog?.kind === "archive"
          ? html`<${Confirm}
              text=${t("archiveText")}
              confirm=${t("confirmArchive")}
              perform=${() => send("DELETE", `/v1/rewards/${encodeURIComponent(dialog.reward.id)}`)}
              onDone=${(answer) => done(t("archivedDone", { name: answer.reward.name }))}
              onCancel=${close}
            />`
          : dialog
            ? html`<${RewardForm} key=${dialog.reward?.id ?? "new"} reward=${dialog.reward} programs=${programs} onDone=${done} />`
            : null
      }
    <//>
  </div>`;
}
