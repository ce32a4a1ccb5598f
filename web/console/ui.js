import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ApiProblem, Unreachable } from "./client.js";
import { html } from "./html.js";
import { translator } from "./i18n.js";

/** The pieces every screen is made of: the page frame, loading and errors, fields, dialogs, pages of rows. */

export const WORDS = {
  en: {
    loading: "Loading…",
    unreachable: "The server cannot be reached. Check the network and try again.",
    failed: "Something went wrong ({status}). Try again.",
    retry: "Try again",
    pages: "Pages",
    next: "Next page",
    first: "First page",
    close: "Close",
    cancel: "Cancel",
    required: "required",
    apiText: "In English, as the system writes it",
  },
  fr: {
    loading: "Chargement…",
    unreachable: "Le serveur est injoignable. Vérifiez le réseau et réessayez.",
    failed: "Une erreur s'est produite ({status}). Réessayez.",
    retry: "Réessayer",
    pages: "Pages",
    next: "Page suivante",
    first: "Première page",
    close: "Fermer",
    cancel: "Annuler",
    required: "obligatoire",
    apiText: "En anglais, tel que le système l'écrit",
  },
};
const t = translator(WORDS);

/**
 * A screen: its heading gets the focus when the screen opens, so a screen-reader user hears where they
 * are after every navigation; the document title follows.
 */
export function Page({ title, actions, children }) {
  const heading = useRef(null);
  useLayoutEffect(() => {
    document.title = `${title} · Loyalty console`;
    heading.current?.focus();
  }, [title]);
  return html`<section class="page" aria-labelledby="page-title">
    <div class="page-head">
      <h1 id="page-title" tabindex="-1" ref=${heading}>${title}</h1>
      ${actions ? html`<div class="page-actions">${actions}</div>` : null}
    </div>
    ${children}
  </section>`;
}

/** An error in words: the API's own reason for a refusal, a plain sentence for a network failure. */
export function errorText(error) {
  if (error instanceof Unreachable) return t("unreachable");
  if (error instanceof ApiProblem) return error.message || t("failed", { status: error.status });
  return t("failed", { status: "?" });
}

export function ErrorMessage({ error, onRetry }) {
  if (!error) return null;
  return html`<div class="error" role="alert">
    <p>${errorText(error)}</p>
    ${onRetry ? html`<button type="button" onClick=${onRetry}>${t("retry")}</button>` : null}
  </div>`;
}

export const Loading = () => html`<p class="muted" role="status">${t("loading")}</p>`;

/** Text the API wrote (in English): marked so, for a screen reader reading a French page. */
export const ApiText = ({ text }) => html`<span lang="en">${text}</span>`;

/**
 * Data for a screen: `{ data, error, loading, reload }`. A newer load wins over an older one still on its
 * way (typing in a search box), so a slow answer never replaces a fresher one.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const latest = useRef(0);
  const run = useCallback(() => {
    const id = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    load().then(
      (data) => id === latest.current && setState({ data, error: undefined, loading: false }),
      (error) => id === latest.current && setState({ data: undefined, error, loading: false }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/**
 * One intended change (a form's submit): `run(key => send(…, key))`. The Idempotency-Key is kept until the
 * change succeeds or `reset()` is called (the form changed), so submitting again after a lost answer
 * replays the first request instead of, say, issuing the points twice.
 */
export function useAction() {
  const key = useRef(crypto.randomUUID());
  const [state, setState] = useState({ pending: false, error: undefined, result: undefined });
  const run = useCallback(async (perform) => {
    setState({ pending: true, error: undefined, result: undefined });
    try {
      const result = await perform(key.current);
      key.current = crypto.randomUUID();
      setState({ pending: false, error: undefined, result });
      return result;
    } catch (error) {
      // A refusal is final for this request; a lost answer, or a 502/503 (the API's "nothing was written,
      // retry with the same key"), keeps the key for the retry.
      const retryable =
        error instanceof Unreachable || (error instanceof ApiProblem && [502, 503].includes(error.status));
      if (!retryable) key.current = crypto.randomUUID();
      setState({ pending: false, error, result: undefined });
      return undefined;
    }
  }, []);
  const reset = useCallback(() => {
    key.current = crypto.randomUUID();
    setState({ pending: false, error: undefined, result: undefined });
  }, []);
  return { ...state, run, reset };
}

/**
 * A labelled control with its hint and its error, both tied to it (aria-describedby), and the API's
 * reason for this field when a submit was refused.
 */
export function Field({ id, label, hint, error, field, required, children }) {
  const reason = field && error instanceof ApiProblem ? error.fieldReason(field) : undefined;
  const described = [hint ? `${id}-hint` : "", reason ? `${id}-error` : ""].filter(Boolean).join(" ");
  const control =
    typeof children === "function"
      ? children({ id, describedBy: described || undefined, invalid: Boolean(reason) })
      : children;
  return html`<div class="field">
    <label for=${id}>${label}${required ? html` <span class="muted">(${t("required")})</span>` : null}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${control}
    ${reason ? html`<p class="field-error" id=${`${id}-error`}>${reason}</p>` : null}
  </div>`;
}

/**
 * A modal dialog on the platform's <dialog>: focus moves in and is kept there, Escape closes it, and the
 * focus returns to what opened it.
 */
export function Dialog({ open, title, onClose, children }) {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return html`<dialog ref=${dialog} aria-labelledby="dialog-title" onClose=${onClose} onCancel=${onClose}>
    ${
      open
        ? html`<div class="dialog-head">
            <h2 id="dialog-title">${title}</h2>
            <button type="button" class="link" onClick=${onClose}>${t("close")}</button>
          </div>
          ${children}`
        : null
    }
  </dialog>`;
}

/** Cursor pages: the API gives `nextCursor`; the first page is always one step away. */
export function Pager({ nextCursor, cursor, onPage }) {
  if (!nextCursor && !cursor) return null;
  return html`<nav class="pager" aria-label=${t("pages")}>
    ${cursor ? html`<button type="button" onClick=${() => onPage(undefined)}>${t("first")}</button>` : null}
    ${nextCursor ? html`<button type="button" onClick=${() => onPage(nextCursor)}>${t("next")}</button>` : null}
  </nav>`;
}
