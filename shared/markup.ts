/**
 * Text made safe inside HTML, XML or SVG, in an element or a quoted attribute: the five characters that
 * could end either become numeric references. The one escape for every page, e-mail, pass field and poster.
 */
export const escapeMarkup = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
