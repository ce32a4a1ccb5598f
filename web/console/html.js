/**
 * Preact with htm: components written as tagged templates, so the console runs as the browser loads it,
 * with no build step, and stays a few kilobytes (README "Dependency notes").
 */

import htm from "htm";
import { h, render } from "preact";

export const html = htm.bind(h);
export { render };
