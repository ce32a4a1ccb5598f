import { html } from "./html.js";

/**
 * A 500-character text (a refund's note, a claim's note or reason) as a `Field`'s control: the field's
 * id, hint and error wired in, the API's limit as the box's.
 */
export const textArea =
  (value, onInput, { required = false } = {}) =>
  ({ id, describedBy, invalid }) =>
    html`<textarea
      id=${id}
      maxlength="500"
      required=${required}
      aria-describedby=${describedBy}
      aria-invalid=${invalid ? "true" : undefined}
      value=${value}
      onInput=${onInput}
    ></textarea>`;
