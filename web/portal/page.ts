import { cspHash, pageHead } from "../../shared/html-page.ts";
import type { Locale } from "../../shared/ledger/entry-types.ts";
import { PORTAL_SCRIPT } from "./script.ts";
import { PORTAL_STYLE } from "./style.ts";

/**
 * The customer portal: one small HTML page (no framework, no external request) with its style and script
 * inline. The Content-Security-Policy allows exactly those two by hash, and nothing else: no other script,
 * no framing, no form posting elsewhere, and requests only to this API.
 */

export const PORTAL_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(PORTAL_SCRIPT)}`,
  `style-src ${cspHash(PORTAL_STYLE)}`,
  "connect-src 'self'",
  // The empty data: icon keeps browsers from asking for a /favicon.ico that does not exist.
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The page in a language; the script switches to the customer's own once it knows them. */
export function portalPage(locale: Locale): string {
  return `${pageHead(locale, locale === "fr" ? "Ma carte de fidélité" : "My loyalty card", [PORTAL_STYLE])}
<body>
<a class="skip" href="#main" data-t="skip"></a>
<header>
<p class="merchant" id="merchant"></p>
<h1 data-t="title"></h1>
<p id="member"></p>
</header>
<main id="main" tabindex="-1">
<p id="confirm-result" class="notice" role="status" aria-live="polite" hidden></p>
<p id="status" class="notice" role="status" aria-live="polite"></p>
<div id="content" hidden>
<section class="balance" aria-labelledby="balance-h">
<h2 id="balance-h" data-t="balance"></h2>
<p><span id="balance" class="big"></span> <span data-t="points"></span></p>
<p id="wallet" class="wallet" hidden><a id="apple-wallet" class="button" data-t="addApple"></a> <a id="google-wallet" class="button secondary" data-t="addGoogle"></a></p>
</section>
<section id="tier" aria-labelledby="tier-h" hidden>
<h2 id="tier-h" data-t="tierTitle"></h2>
<ul id="tiers"></ul>
</section>
<section id="invite" aria-labelledby="invite-h" hidden>
<h2 id="invite-h" data-t="inviteTitle"></h2>
<p id="invite-offer"></p>
<label for="invite-link" data-t="inviteLink"></label>
<input id="invite-link" readonly aria-describedby="invite-hint">
<p id="invite-hint" class="hint" data-t="inviteHint"></p>
<p class="meta"><span data-t="inviteCode"></span> <strong id="invite-code" class="code"></strong></p>
<button id="invite-copy" type="button" data-t="inviteCopy"></button>
<p id="invite-result" class="notice" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="expiries-h">
<h2 id="expiries-h" data-t="expiries"></h2>
<ul id="expiries"></ul>
<p id="no-expiries" class="hint" data-t="noExpiries"></p>
</section>
<section aria-labelledby="rules-h">
<h2 id="rules-h" data-t="rules"></h2>
<ul id="rules"></ul>
</section>
<section aria-labelledby="history-h">
<h2 id="history-h" data-t="history"></h2>
<ol id="history"></ol>
<p id="no-history" class="hint" data-t="noHistory" hidden></p>
<button id="more" class="secondary" type="button" data-t="more" hidden></button>
</section>
<section aria-labelledby="claim-h">
<h2 id="claim-h" data-t="claimTitle"></h2>
<p class="hint" data-t="claimIntro"></p>
<form id="claim-form">
<label for="c-when" data-t="when"></label>
<input id="c-when" name="occurredAt" type="datetime-local" required>
<label for="c-location" data-t="location"></label>
<select id="c-location" name="locationId" required></select>
<label for="c-amount" data-t="amount"></label>
<input id="c-amount" name="amount" inputmode="decimal" autocomplete="off" pattern="[0-9]+([.,][0-9]{1,3})?" aria-describedby="c-amount-hint">
<p id="c-amount-hint" class="hint" data-t="amountHint"></p>
<label for="c-receipt" data-t="receipt"></label>
<input id="c-receipt" name="receiptNumber" autocomplete="off" maxlength="64">
<label for="c-description" data-t="description"></label>
<textarea id="c-description" name="description" required maxlength="1000"></textarea>
<button type="submit" data-t="send"></button>
<p id="claim-result" class="notice" role="status" aria-live="polite" tabindex="-1"></p>
</form>
<h3 data-t="myClaims"></h3>
<ul id="claims"></ul>
<p id="no-claims" class="hint" data-t="noClaims" hidden></p>
</section>
<section aria-labelledby="statement-h">
<h2 id="statement-h" data-t="statement"></h2>
<p class="hint" data-t="statementIntro"></p>
<button id="statement" type="button" data-t="download"></button>
<button id="verify" class="secondary" type="button" data-t="verify"></button>
<p id="statement-result" class="notice" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="mydata-h">
<h2 id="mydata-h" data-t="myDataTitle"></h2>
<p class="hint" id="mydata-intro" data-t="myDataIntro"></p>
<button id="mydata" type="button" aria-describedby="mydata-intro" data-t="myDataButton"></button>
<p id="mydata-result" class="notice" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="profile-h">
<h2 id="profile-h" data-t="profile"></h2>
<form id="profile-form">
<label for="p-name" data-t="name"></label>
<input id="p-name" name="name" autocomplete="name" required maxlength="120">
<label for="p-email" data-t="email"></label>
<input id="p-email" name="email" type="email" autocomplete="email" maxlength="254">
<label for="p-phone" data-t="phone"></label>
<input id="p-phone" name="phone" type="tel" autocomplete="tel" maxlength="40">
<label for="p-locale" data-t="language"></label>
<select id="p-locale" name="locale"><option value="fr" lang="fr">Français</option><option value="en" lang="en">English</option></select>
<label class="check"><input id="p-marketing" name="marketingConsent" type="checkbox"> <span data-t="marketing"></span></label>
<button type="submit" data-t="save"></button>
<p id="profile-result" class="notice" role="status" aria-live="polite"></p>
</form>
</section>
<section aria-labelledby="security-h">
<h2 id="security-h" data-t="security"></h2>
<p class="hint" data-t="securityIntro"></p>
<button id="new-link" class="secondary" type="button" data-t="newLink"></button>
<p id="link-result" class="notice" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="erase-h">
<h2 id="erase-h" data-t="eraseTitle"></h2>
<p class="hint" id="erase-intro" data-t="eraseIntro"></p>
<form id="erase-form" aria-describedby="erase-intro">
<p class="check"><input id="e-confirm" name="confirm" type="checkbox" required> <label for="e-confirm" data-t="eraseConfirm"></label></p>
<button id="erase" type="submit" data-t="eraseButton"></button>
<p id="erase-result" class="notice" role="status" aria-live="polite"></p>
</form>
</section>
</div>
</main>
<script>${PORTAL_SCRIPT}</script>
</body>
</html>
`;
}
