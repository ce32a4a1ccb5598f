import { keyAttributes, TABLE } from "../../shared/store/db/table-definition.ts";

/** What the hash of an entry leaves out (shared/ledger/hash-chain.ts), for the page's own check of a statement. */
const STORED_ONLY_ATTRIBUTES = [...keyAttributes(), TABLE.ttlAttribute, "hash"];

/**
 * The portal's script: plain browser JavaScript, no framework, no build step. It reads the token from the
 * link's fragment (never sent to a server), keeps it for the tab only, and talks to /v1/me with it.
 * Kept as text because the API serves it inline (with its hash in the Content-Security-Policy); it is
 * exercised in a real Chromium by test/e2e/portal-browser.test.ts.
 */
export const PORTAL_SCRIPT = String.raw`
(function () {
  "use strict";
  var TEXT = {
    fr: {
      title: "Ma carte de fidélité", skip: "Aller au contenu", loading: "Chargement…",
      noToken: "Ouvrez ce portail depuis le lien de votre carte de fidélité.",
      invalid: "Ce lien n'est plus valide. Demandez-en un nouveau au magasin.",
      failed: "Le service ne répond pas. Réessayez dans un instant.",
      balance: "Solde", points: "points", expiries: "Prochaines expirations",
      addApple: "Ajouter à Apple Wallet", addGoogle: "Enregistrer dans Google Wallet",
      noExpiries: "Aucun point n'expire prochainement.", expiryLine: "{points} points expirent le {date}",
      tierTitle: "Mon niveau", tierMultiplier: "Vos points gagnés sont multipliés par {m}.",
      tierQualifying: "{n} points qualifiants sur les {months} derniers mois", tierQualifyingYear: "{n} points qualifiants cette année",
      tierKeep: "Encore {n} points d'ici le {date} pour rester {tier}", tierKept: "{tier} jusqu'au {date}",
      tierReach: "Encore {n} points pour devenir {tier}", tierTop: "C'est le plus haut niveau.",
      inviteTitle: "Parrainer un ami", inviteLink: "Votre lien de parrainage", inviteCode: "Votre code de parrainage :",
      inviteHint: "Votre ami s'inscrit par ce lien : votre code y est déjà.",
      inviteSame: "Vous recevez chacun {mine} points quand votre ami fait un premier achat ou passage en magasin dans les {days} jours suivant son inscription.",
      inviteBoth: "Vous recevez {mine} points et votre ami {theirs} points quand il fait un premier achat ou passage en magasin dans les {days} jours suivant son inscription.",
      inviteMine: "Vous recevez {mine} points quand votre ami fait un premier achat ou passage en magasin dans les {days} jours suivant son inscription.",
      inviteTheirs: "Votre ami reçoit {theirs} points pour un premier achat ou passage en magasin dans les {days} jours suivant son inscription.",
      inviteCopy: "Copier le lien", inviteCopied: "Lien copié : collez-le dans un message à votre ami.",
      inviteCopyFailed: "Copie impossible ici : sélectionnez le lien et copiez-le.",
      expiryInactivity: "{points} points expirent le {date} si vous n'en gagnez pas d'ici là",
      rules: "Comment vous gagnez des points", history: "Historique", noHistory: "Aucune opération pour l'instant.",
      balanceAfter: "solde après : {n}", more: "Voir plus",
      claimTitle: "Des points manquent ?",
      claimIntro: "Décrivez votre passage : nous vérifions d'abord s'il a déjà été crédité, puis le magasin examine votre demande.",
      when: "Date et heure du passage", location: "Magasin", amount: "Montant du ticket (pour un achat)",
      amountHint: "Par exemple 23,40", receipt: "Numéro de ticket (facultatif)", description: "Que s'est-il passé ?",
      send: "Envoyer la réclamation", filed: "Réclamation envoyée.", myClaims: "Mes réclamations", noClaims: "Aucune réclamation.",
      status_pending: "En attente", status_already_credited: "Déjà créditée", status_approved: "Acceptée", status_rejected: "Refusée",
      m_already_credited: "Ces points ont déjà été crédités : {points} points le {date} à {place}. Si votre carte affiche un ancien solde, actualisez-la.",
      m_amount_differs: "Un achat de {amount} a été crédité à ce moment-là ({points} points) : le montant saisi était peut-être faux. Le magasin va vérifier.",
      m_other_location: "Votre passage a été enregistré à {place} et non à {claimed} ({points} points). Le magasin va vérifier.",
      m_no_match: "Aucun passage n'a été enregistré à ce moment-là. Le magasin va vérifier.",
      proposal: "Points proposés d'après les règles du magasin : {n}",
      approved: "Acceptée : {n} points crédités.", rejected: "Refusée : {reason}",
      receiptTaken: "Ce numéro de ticket a déjà fait l'objet d'une réclamation.", fix: "Vérifiez : {details}",
      otherPlace: "un autre magasin",
      statement: "Relevé vérifiable",
      statementIntro: "Votre historique complet, signé par le magasin : chacun peut vérifier qu'aucune opération n'a été modifiée, supprimée ou déplacée. Le bouton « Vérifier » le fait ici même, dans votre navigateur, avec les clés publiées par le magasin (pour les développeurs : npm run verify-statement).",
      verify: "Vérifier mon relevé", verifying: "Vérification en cours…",
      verified: "Vérifié : {n} opérations, solde {balance} points. La signature du magasin et l'enchaînement des opérations sont intacts.",
      verifyFailed: "Échec de la vérification : {reasons}.", choose: "Choisissez un magasin",
      v_format: "ce n'est pas un relevé signé", v_unreadable: "la signature est illisible",
      v_noKey: "aucune clé publiée par le magasin ne correspond à la signature", v_badSignature: "la signature ne correspond pas à la clé du magasin",
      v_notStatement: "la signature n'a pas été faite pour un relevé", v_notSigned: "le relevé n'est pas celui qui a été signé",
      v_otherParty: "la signature a été faite pour un autre magasin ou un autre client",
      v_order: "l'opération n° {n} manque ou n'est pas à sa place", v_link: "l'opération n° {n} ne suit pas la précédente",
      v_content: "l'opération n° {n} ne correspond pas à son empreinte", v_balance: "le solde après l'opération n° {n} ne tombe pas juste",
      v_entry: "l'opération n° {n} est illisible", v_head: "le relevé ne s'arrête pas à la dernière opération enregistrée",
      v_pages: "ses pages ne se suivent pas",
      v_total: "le solde ne correspond pas au compte",
      myDataTitle: "Mes données", myDataButton: "Télécharger mes données",
      myDataIntro: "Tout ce que le magasin garde sur vous (informations, consentements, demandes, opérations, messages envoyés), dans un fichier JSON que vous pouvez lire ou emporter ailleurs.",
      myDataPreparing: "Préparation du fichier…", myDataReady: "Votre fichier est prêt : le téléchargement commence.",
      download: "Télécharger mon relevé signé", profile: "Mes informations", name: "Nom", email: "E-mail",
      phone: "Téléphone", language: "Langue", marketing: "Recevoir les e-mails du magasin sur ma carte (points, récompenses, rappels d'expiration) ; décocher pour les arrêter",
      save: "Enregistrer", saved: "Informations enregistrées.", security: "Sécurité du lien",
      securityIntro: "Ce portail s'ouvre sans mot de passe, grâce au lien de votre carte. Si vous l'avez partagé par erreur, révoquez-le : tous les anciens liens cessent de fonctionner.",
      eraseTitle: "Effacer mes données",
      eraseIntro: "Vos nom, téléphone, e-mail, notes et demandes sont effacés, votre carte est annulée dans votre wallet et ce portail cesse de fonctionner. Le magasin garde seulement l'historique des points, sans rien qui vous nomme, pour sa comptabilité. C'est définitif.",
      eraseConfirm: "Je comprends que c'est définitif et je veux effacer mes données",
      eraseButton: "Effacer mes données", erased: "Vos données ont été effacées et votre carte est annulée. Vous pouvez fermer cette page.",
      newLink: "Révoquer mes liens et en créer un nouveau", newLinkDone: "Nouveau lien créé ; les anciens ne fonctionnent plus. Gardez celui-ci :",
      pendingSent: "Un lien de confirmation a été envoyé à {address} : le changement se fera quand vous l'ouvrirez (dans les 24 heures).",
      confirming: "Confirmation en cours…", confirmed: "C'est fait : {address} figure maintenant sur votre carte.",
      confirmExpired: "Ce lien de confirmation a expiré. Refaites la modification depuis votre portail.",
      confirmInvalid: "Ce lien de confirmation n'est plus valide : une demande plus récente l'a remplacé, ou vos liens ont été révoqués.",
      confirmFailed: "Cette modification n'a pas pu être faite. Demandez de l'aide au magasin."
    },
    en: {
      title: "My loyalty card", skip: "Skip to content", loading: "Loading…",
      noToken: "Open this portal from the link on your loyalty card.",
      invalid: "This link is no longer valid. Ask the shop for a new one.",
      failed: "The service is not answering. Try again in a moment.",
      balance: "Balance", points: "points", expiries: "Upcoming expiries",
      addApple: "Add to Apple Wallet", addGoogle: "Save to Google Wallet",
      noExpiries: "No points expire soon.", expiryLine: "{points} points expire on {date}",
      tierTitle: "My tier", tierMultiplier: "Points you earn are multiplied by {m}.",
      tierQualifying: "{n} qualifying points over the last {months} months", tierQualifyingYear: "{n} qualifying points this year",
      tierKeep: "{n} more points by {date} to stay {tier}", tierKept: "{tier} until {date}",
      tierReach: "{n} points to {tier}", tierTop: "This is the highest tier.",
      inviteTitle: "Invite a friend", inviteLink: "Your invitation link", inviteCode: "Your referral code:",
      inviteHint: "Your friend joins through this link: your code is already in it.",
      inviteSame: "You both get {mine} points when your friend makes a first purchase or visit within {days} days of joining.",
      inviteBoth: "You get {mine} points and your friend gets {theirs} points when they make a first purchase or visit within {days} days of joining.",
      inviteMine: "You get {mine} points when your friend makes a first purchase or visit within {days} days of joining.",
      inviteTheirs: "Your friend gets {theirs} points with a first purchase or visit within {days} days of joining.",
      inviteCopy: "Copy the link", inviteCopied: "Link copied: paste it into a message to your friend.",
      inviteCopyFailed: "Copying is not possible here: select the link and copy it.",
      expiryInactivity: "{points} points expire on {date} unless you earn some before",
      rules: "How you earn points", history: "History", noHistory: "Nothing here yet.",
      balanceAfter: "balance after: {n}", more: "Show more",
      claimTitle: "Missing points?",
      claimIntro: "Tell us about your visit: we first check whether it was already credited, then the shop reviews your claim.",
      when: "Date and time of the visit", location: "Shop", amount: "Receipt amount (for a purchase)",
      amountHint: "For example 23.40", receipt: "Receipt number (optional)", description: "What happened?",
      send: "Send the claim", filed: "Claim sent.", myClaims: "My claims", noClaims: "No claims.",
      status_pending: "Pending", status_already_credited: "Already credited", status_approved: "Approved", status_rejected: "Rejected",
      m_already_credited: "These points were already credited: {points} points on {date} at {place}. If your card shows an older balance, refresh it.",
      m_amount_differs: "A purchase of {amount} was credited then ({points} points): the amount entered may have been wrong. The shop will check.",
      m_other_location: "Your visit was recorded at {place}, not at {claimed} ({points} points). The shop will check.",
      m_no_match: "No visit was recorded at that time. The shop will check.",
      proposal: "Points proposed by the shop's rules: {n}",
      approved: "Approved: {n} points credited.", rejected: "Rejected: {reason}",
      receiptTaken: "This receipt number was already claimed.", fix: "Please check: {details}",
      otherPlace: "another shop",
      statement: "Verifiable statement",
      statementIntro: "Your whole history, signed by the shop: anyone can check that no entry was altered, removed or moved. The “Verify” button does it right here, in your browser, with the keys the shop publishes (for developers: npm run verify-statement).",
      verify: "Verify my statement", verifying: "Verifying…",
      verified: "Verified: {n} entries, balance {balance} points. The shop's signature and the chain of entries are intact.",
      verifyFailed: "Verification failed: {reasons}.", choose: "Choose a shop",
      v_format: "this is not a signed statement", v_unreadable: "the signature cannot be read",
      v_noKey: "no key the shop publishes matches the signature", v_badSignature: "the signature does not match the shop's key",
      v_notStatement: "the signature was not made for a statement", v_notSigned: "the statement is not the one that was signed",
      v_otherParty: "the signature was made for another shop or customer",
      v_order: "entry {n} is missing or out of order", v_link: "entry {n} does not link to the one before it",
      v_content: "entry {n} does not match its hash", v_balance: "the balance after entry {n} does not add up",
      v_entry: "entry {n} cannot be read", v_head: "the statement does not end at the last recorded entry",
      v_pages: "its pages do not follow one another",
      v_total: "the balance does not match the account",
      myDataTitle: "My data", myDataButton: "Download my data",
      myDataIntro: "Everything the shop holds about you (details, consents, claims, entries, messages sent), in a JSON file you can read or take elsewhere.",
      myDataPreparing: "Preparing your file…", myDataReady: "Your file is ready: the download is starting.",
      download: "Download my signed statement", profile: "My details", name: "Name", email: "Email",
      phone: "Phone", language: "Language", marketing: "Receive the shop's emails about my card (points, rewards, expiry reminders); untick to stop them",
      save: "Save", saved: "Details saved.", security: "Link security",
      securityIntro: "This portal opens without a password, through your card's link. If you shared it by mistake, revoke it: every earlier link stops working.",
      eraseTitle: "Erase my data",
      eraseIntro: "Your name, phone, email, notes and claims are erased, your card is voided in your wallet and this portal stops working. The shop keeps only the points history, with nothing naming you, for its accounts. This cannot be undone.",
      eraseConfirm: "I understand this cannot be undone and I want my data erased",
      eraseButton: "Erase my data", erased: "Your data was erased and your card voided. You can close this page.",
      newLink: "Revoke my links and make a new one", newLinkDone: "New link made; the earlier ones no longer work. Keep this one:",
      pendingSent: "A confirmation link was sent to {address}: the change happens when you open it (within 24 hours).",
      confirming: "Confirming…", confirmed: "Done: {address} is now on your card.",
      confirmExpired: "This confirmation link has expired. Make the change again from your portal.",
      confirmInvalid: "This confirmation link is no longer valid: a newer request replaced it, or your links were revoked.",
      confirmFailed: "This change could not be made. Ask the shop for help."
    }
  };
  var KEY = "loyalty-portal-token";
  var lang = document.documentElement.lang === "en" ? "en" : "fr";
  var me = null, cursor = null, claimKey = null;
  var $ = function (id) { return document.getElementById(id); };
  var t = function (key, values) {
    return (TEXT[lang][key] || key).replace(/\{(\w+)\}/g, function (_, name) { return values && values[name] !== undefined ? values[name] : ""; });
  };
  var el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  var when = function (iso) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  };
  var day = function (iso) { return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(iso)); };
  // A calendar day (YYYY-MM-DD, as keptUntil is): written as that day wherever the browser is.
  var calendarDay = function (iso) { return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso + "T00:00:00Z")); };
  var placeName = function (id) {
    var found = me && me.locations.filter(function (l) { return l.id === id; })[0];
    return found ? found.name : t("otherPlace");
  };
  var signedPoints = function (n) { return (n > 0 ? "+" : "−") + Math.abs(n); };
  var money = function (amount, currency) {
    return (lang === "fr" ? amount.replace(".", ",") : amount) + (currency ? " " + currency : "");
  };

  var fragment = /(?:^#|&)t=([^&]+)/.exec(location.hash);
  // A contact change's confirmation link (sent to the new address) carries its own token.
  var confirmation = /(?:^#|&)confirm=([^&]+)/.exec(location.hash);
  if (fragment) sessionStorage.setItem(KEY, decodeURIComponent(fragment[1]));
  if (fragment || confirmation) history.replaceState(null, "", location.pathname + location.search);
  var token = sessionStorage.getItem(KEY);

  function say(id, message, isError) {
    var node = $(id);
    node.textContent = message;
    node.classList.toggle("error", Boolean(isError));
  }

  function api(method, path, body, headers) {
    var init = { method: method, headers: Object.assign({ authorization: "Bearer " + token }, headers || {}) };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = text ? JSON.parse(text) : null;
        if (response.status === 401) {
          sessionStorage.removeItem(KEY);
          $("content").hidden = true;
          say("status", t("invalid"), true);
        }
        return { status: response.status, ok: response.ok, body: data, headers: response.headers };
      });
    });
  }

  function problemText(result) {
    var body = result.body || {};
    if (result.status === 409 && body.field === "receiptNumber") return t("receiptTaken");
    if (body.errors) return t("fix", { details: body.errors.map(function (e) { return e.field + " " + e.reason; }).join("; ") });
    return body.detail || t("failed");
  }

  function translate() {
    document.documentElement.lang = lang;
    document.title = t("title") + (me ? " · " + me.merchant.name : "");
    document.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.getAttribute("data-t")); });
  }

  function renderOverview() {
    $("merchant").textContent = me.merchant.name;
    $("member").textContent = me.customer.name;
    $("balance").textContent = String(me.customer.balance);
    var wallet = me.wallet || {};
    $("apple-wallet").hidden = !wallet.appleWalletUrl;
    $("google-wallet").hidden = !wallet.googleWalletUrl;
    if (wallet.appleWalletUrl) $("apple-wallet").href = wallet.appleWalletUrl;
    if (wallet.googleWalletUrl) $("google-wallet").href = wallet.googleWalletUrl;
    $("wallet").hidden = !wallet.appleWalletUrl && !wallet.googleWalletUrl;
    renderTiers(me.tiers || []);
    renderInvite(me.customer.referralCode, me.referralOffer);
    var expiries = $("expiries");
    expiries.replaceChildren();
    me.upcomingExpiries.forEach(function (e) {
      var key = e.kind === "inactivity" ? "expiryInactivity" : "expiryLine";
      expiries.append(el("li", "", t(key, { points: e.points, date: day(e.expiresAt) })));
    });
    $("no-expiries").hidden = me.upcomingExpiries.length > 0;
    var rules = $("rules");
    rules.replaceChildren();
    me.locations.forEach(function (l) {
      var item = el("li");
      item.append(el("strong", "", l.name), el("p", "meta", l.program ? l.program.description : "—"));
      rules.append(item);
    });
    var select = $("c-location");
    // Nothing chosen until the customer chooses (and again after a reset): "required" then means something.
    var placeholder = el("option", "", t("choose"));
    placeholder.value = "";
    placeholder.disabled = true;
    placeholder.defaultSelected = true;
    select.replaceChildren(placeholder);
    me.locations.forEach(function (l) { var option = el("option", "", l.name); option.value = l.id; select.append(option); });
    var form = $("profile-form");
    form.elements.name.value = me.customer.name;
    form.elements.email.value = me.customer.email || "";
    form.elements.phone.value = me.customer.phone || "";
    form.elements.locale.value = me.customer.locale;
    form.elements.marketingConsent.checked = me.customer.marketingConsent;
  }

  // GET /v1/me's tiers: the level, its multiplier, the qualifying points, what keeps it and what the next needs.
  function renderTiers(tiers) {
    var list = $("tiers");
    list.replaceChildren();
    tiers.forEach(function (standing) {
      var item = el("li");
      var lines = [];
      var multiplier = Number(standing.multiplier);
      if (multiplier !== 1) lines.push(t("tierMultiplier", { m: new Intl.NumberFormat(lang).format(multiplier) }));
      lines.push(standing.window.kind === "rolling"
        ? t("tierQualifying", { n: standing.qualifyingPoints, months: standing.window.months })
        : t("tierQualifyingYear", { n: standing.qualifyingPoints }));
      if (standing.keptUntil) {
        var until = calendarDay(standing.keptUntil);
        lines.push(standing.pointsToKeep > 0
          ? t("tierKeep", { n: standing.pointsToKeep, date: until, tier: standing.tier })
          : t("tierKept", { tier: standing.tier, date: until }));
      }
      if (standing.next && standing.next.pointsNeeded > 0) lines.push(t("tierReach", { n: standing.next.pointsNeeded, tier: standing.next.tier }));
      if (!standing.next) lines.push(t("tierTop"));
      item.append(el("strong", "big", standing.tier));
      lines.forEach(function (line) { item.append(el("p", "meta", line)); });
      list.append(item);
    });
    $("tier").hidden = tiers.length === 0;
  }

  // The member's join link with their code (README "Referrals"): the join page sits beside this one
  // (<base>/join/{merchantId} as <base>/portal), so it is resolved from this page's own address.
  function renderInvite(code, offer) {
    $("invite").hidden = !code || !offer;
    if (!code || !offer) return;
    var link = new URL("join/" + encodeURIComponent(me.merchant.id) + "?ref=" + encodeURIComponent(code), location.href).href;
    $("invite-link").value = link;
    $("invite-code").textContent = code;
    var key = offer.referrerPoints === offer.refereePoints ? "inviteSame"
      : offer.refereePoints === 0 ? "inviteMine" : offer.referrerPoints === 0 ? "inviteTheirs" : "inviteBoth";
    $("invite-offer").textContent = t(key, { mine: offer.referrerPoints, theirs: offer.refereePoints, days: offer.qualifyWithinDays });
  }

  $("invite-copy").addEventListener("click", function () {
    var field = $("invite-link");
    var failed = function () { field.select(); say("invite-result", t("inviteCopyFailed"), true); };
    if (!navigator.clipboard) { failed(); return; }
    navigator.clipboard.writeText(field.value).then(function () { say("invite-result", t("inviteCopied")); }, failed);
  });

  function entryItem(entry) {
    var item = el("li");
    var row = el("div", "row");
    row.append(el("span", "", entry.localizedExplanation), el("span", "pts " + (entry.points >= 0 ? "plus" : "minus"), signedPoints(entry.points)));
    var meta = [when(entry.occurredAt || entry.createdAt)];
    if (entry.locationId) meta.push(placeName(entry.locationId));
    meta.push(t("balanceAfter", { n: entry.balanceAfter }));
    item.append(row, el("p", "meta", meta.join(" · ")));
    return item;
  }

  function loadHistory(reset) {
    var query = "?limit=20" + (cursor && !reset ? "&cursor=" + encodeURIComponent(cursor) : "");
    return api("GET", "/v1/me/ledger" + query).then(function (result) {
      if (!result.ok) return;
      var list = $("history");
      if (reset) list.replaceChildren();
      result.body.entries.forEach(function (entry) { list.append(entryItem(entry)); });
      cursor = result.body.nextCursor;
      $("more").hidden = !cursor;
      $("no-history").hidden = list.children.length > 0;
    });
  }

  function claimMessage(claim) {
    var m = claim.match, e = m.entry, lines = [];
    // Once decided, the decision is what matters; until then, what the ledger said about the claim.
    if (claim.status === "approved") return [t("approved", { n: claim.decision.points })];
    if (claim.status === "rejected") return [t("rejected", { reason: claim.decision.reason })];
    var values = e ? { points: e.points, date: when(e.at), place: placeName(e.locationId), claimed: placeName(claim.locationId),
      amount: e.amount ? money(e.amount, e.currency) : "" } : {};
    lines.push(t("m_" + m.outcome, values));
    if (claim.status === "pending" && m.proposal) lines.push(t("proposal", { n: m.proposal.points }));
    return lines;
  }

  function claimItem(claim) {
    var item = el("li");
    item.id = "claim-" + claim.id;
    var row = el("div", "row");
    var title = when(claim.occurredAt) + " · " + placeName(claim.locationId) + (claim.amount ? " · " + money(claim.amount, claim.currency) : "");
    row.append(el("strong", "", title), el("span", "badge status-" + claim.status, t("status_" + claim.status)));
    item.append(row);
    claimMessage(claim).forEach(function (line) { item.append(el("p", "meta", line)); });
    return item;
  }

  function loadClaims() {
    return api("GET", "/v1/me/claims").then(function (result) {
      if (!result.ok) return;
      var list = $("claims");
      list.replaceChildren();
      result.body.claims.forEach(function (claim) { list.append(claimItem(claim)); });
      $("no-claims").hidden = result.body.claims.length > 0;
    });
  }

  function load() {
    return api("GET", "/v1/me").then(function (result) {
      if (result.status === 401) return;
      if (!result.ok) { say("status", t("failed"), true); return; }
      me = result.body;
      lang = me.customer.locale;
      translate();
      renderOverview();
      say("status", "");
      $("content").hidden = false;
      return Promise.all([loadHistory(true), loadClaims()]);
    }, function () { say("status", t("failed"), true); });
  }

  // The outcome takes the focus (the button that had it is disabled meanwhile), so it is read at once.
  function sayClaim(message, isError) {
    say("claim-result", message, isError);
    $("claim-result").focus();
  }

  $("claim-form").addEventListener("input", function () { claimKey = null; });
  $("claim-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, button = form.querySelector("button");
    if (!form.reportValidity()) return;
    var body = { occurredAt: new Date(form.elements.occurredAt.value).toISOString(), locationId: form.elements.locationId.value,
      description: form.elements.description.value };
    var amount = form.elements.amount.value.trim().replace(",", ".");
    if (amount) body.amount = amount;
    var receipt = form.elements.receiptNumber.value.trim();
    if (receipt) body.receiptNumber = receipt;
    // One key per claim as typed: sending it again after a network failure cannot file it twice.
    claimKey = claimKey || crypto.randomUUID();
    button.disabled = true;
    api("POST", "/v1/me/claims", body, { "idempotency-key": claimKey }).then(function (result) {
      button.disabled = false;
      if (!result.ok) { sayClaim(problemText(result), true); return; }
      claimKey = null;
      form.reset();
      sayClaim(t("filed") + " " + claimMessage(result.body.claim).join(" "));
      return loadClaims();
    }, function () { button.disabled = false; sayClaim(t("failed"), true); });
  });

  $("profile-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var f = event.target.elements, changes = {};
    var text = function (name) { var v = f[name].value.trim(); return v === "" ? null : v; };
    if (f.name.value.trim() && f.name.value.trim() !== me.customer.name) changes.name = f.name.value.trim();
    if (text("email") !== me.customer.email) changes.email = text("email");
    if (text("phone") !== me.customer.phone) changes.phone = text("phone");
    if (f.locale.value !== me.customer.locale) changes.locale = f.locale.value;
    if (f.marketingConsent.checked !== me.customer.marketingConsent) changes.marketingConsent = f.marketingConsent.checked;
    if (Object.keys(changes).length === 0) { say("profile-result", t("saved")); return; }
    api("PATCH", "/v1/me", changes).then(function (result) {
      if (!result.ok) { say("profile-result", problemText(result), true); return; }
      // 202: a new email or phone waits for the link sent to it; the rest is saved.
      var pending = result.body.pending;
      return load().then(function () {
        say("profile-result", pending ? Object.keys(pending).map(function (field) { return t("pendingSent", { address: pending[field] }); }).join(" ") : t("saved"));
      });
    });
  });

  $("more").addEventListener("click", function () { loadHistory(false); });

  // Every page of the statement, following nextCursor: a long history comes in signed pages of at most
  // 2,000 entries (README "Verifiable statement").
  function statementPages() {
    var pages = [];
    var next = function (cursor) {
      return api("GET", "/v1/me/statement" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : "")).then(function (result) {
        if (!result.ok || !result.body) throw new Error("statement");
        pages.push({ statement: result.body.statement, signature: result.body.signature });
        return result.body.nextCursor ? next(result.body.nextCursor) : pages;
      });
    };
    return next(null);
  }

  $("statement").addEventListener("click", function () {
    statementPages().then(function (pages) {
      // One page is the signed document as served; more are saved together, as the CLI reads them.
      var saved = pages.length === 1 ? pages[0] : { pages: pages };
      var blob = new Blob([JSON.stringify(saved, null, 2)], { type: "application/json" });
      var link = el("a");
      link.href = URL.createObjectURL(blob);
      link.download = "statement-" + me.merchant.id + "-" + pages[0].statement.issuedAt.slice(0, 10) + ".json";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    }, function () { say("statement-result", t("failed"), true); });
  });

  // Everything held about the member (POST /v1/me/export): made on the server, fetched from its short-lived link.
  var myDataKey = null;
  $("mydata").addEventListener("click", function () {
    var button = $("mydata");
    button.disabled = true;
    myDataKey = myDataKey || crypto.randomUUID();
    say("mydata-result", t("myDataPreparing"), false);
    api("POST", "/v1/me/export", undefined, { "idempotency-key": myDataKey }).then(function (result) {
      button.disabled = false;
      if (!result.ok || !result.body) return say("mydata-result", t("failed"), true);
      myDataKey = null;
      say("mydata-result", t("myDataReady"), false);
      window.location.assign(result.body.export.link);
    }, function () { button.disabled = false; say("mydata-result", t("failed"), true); });
  });

  // The statement checked here, in the browser, exactly as npm run verify-statement checks it
  // (shared/statements/verify.ts): the merchant's Ed25519 signature, and the hash chain entry by entry.
  // RFC 8785 (JCS) for the JSON a statement holds: object keys sorted by UTF-16 code units (what sort()
  // compares), strings, booleans, null and numbers as JSON.stringify writes them, which is what RFC 8785
  // prescribes. A statement's numbers are all integers (points, balances, seq), whose ECMAScript form
  // RFC 8785 keeps as is. Only well-formed strings can be canonicalised.
  function canonical(value) {
    if (typeof value === "string" && !value.isWellFormed()) throw new Error("lone surrogate");
    if (typeof value === "number" && !isFinite(value)) throw new Error("not JSON");
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return "{" + Object.keys(value).sort().map(function (k) { return canonical(k) + ":" + canonical(value[k]); }).join(",") + "}";
  }
  function sha256Hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.from(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    });
  }
  function base64url(text) {
    var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }
  var json = function (bytes) { return JSON.parse(new TextDecoder().decode(bytes)); };
  // Attributes that only place an entry in the table; the hash leaves them out (shared/ledger/hash-chain.ts).
  var STORED_ONLY = ${JSON.stringify(STORED_ONLY_ATTRIBUTES)};

  // A failure as [key of its text, entry number], or null once the signature holds.
  function checkSignature(statement, jws, jwks) {
    var parts = jws.split("."), header, signature;
    try { header = json(base64url(parts[0])); signature = base64url(parts[2]); } catch (e) { return Promise.resolve(["v_unreadable"]); }
    if (parts.length !== 3 || header.alg !== "EdDSA" || header.crit !== undefined) return Promise.resolve(["v_unreadable"]);
    var keys = (jwks.keys || []).filter(function (k) {
      return k.kty === "OKP" && k.crv === "Ed25519" && (header.kid === undefined || k.kid === header.kid) && (!k.use || k.use === "sig");
    });
    if (keys.length === 0) return Promise.resolve(["v_noKey"]);
    var input = new TextEncoder().encode(parts[0] + "." + parts[1]);
    // Any of the matching keys (a rotation keeps the previous one published) may have signed it.
    var tryKey = function (index) {
      if (index === keys.length) return Promise.resolve(false);
      return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: keys[index].x }, { name: "Ed25519" }, false, ["verify"])
        .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, signature, input); })
        .catch(function () { return false; })
        .then(function (valid) { return valid || tryKey(index + 1); });
    };
    return tryKey(0).then(function (valid) {
      if (!valid) return ["v_badSignature"];
      if (header.typ !== "loyalty-statement") return ["v_notStatement"];
      var payload;
      try { payload = json(base64url(parts[1])); } catch (e) { return ["v_unreadable"]; }
      var text;
      try { text = canonical(statement); } catch (e) { return ["v_notSigned"]; }
      return sha256Hex(text).then(function (digest) {
        if (!payload || payload.sha256 !== digest) return ["v_notSigned"];
        if (payload.merchantId !== statement.merchant.id || payload.customerId !== statement.customerId) return ["v_otherParty"];
        return null;
      });
    });
  }

  function entryHash(entry) {
    var content = {};
    Object.keys(entry).forEach(function (name) { if (STORED_ONLY.indexOf(name) < 0) content[name] = entry[name]; });
    return sha256Hex(canonical(content));
  }

  var GENESIS = { seq: 0, hash: "0".repeat(64), balance: 0 };
  var samePoint = function (a, b) { return a && b && a.seq === b.seq && a.hash === b.hash && a.balance === b.balance; };

  // The chain through every page, from the genesis to the signed head: each page starts where the one
  // before it ended, and all name the same head.
  function checkChain(statements) {
    var entries = [].concat.apply([], statements.map(function (s) { return s.entries; }));
    var head = statements[0].head;
    var point = GENESIS, at = 0;
    for (var p = 0; p < statements.length; p++) {
      if (!samePoint(statements[p].after || GENESIS, point) || !samePoint(statements[p].head, head)) return Promise.resolve(["v_pages"]);
      var last = statements[p].entries[statements[p].entries.length - 1];
      at += statements[p].entries.length;
      if (last) point = { seq: last.seq, hash: last.hash, balance: last.balanceAfter };
    }
    return Promise.all(entries.map(function (entry) { return entryHash(entry).catch(function () { return null; }); })).then(function (hashes) {
      var prevHash = GENESIS.hash, balance = 0;
      for (var i = 0; i < entries.length; i++) {
        var entry = entries[i];
        if (hashes[i] === null) return ["v_entry", i + 1];
        if (entry.seq !== i + 1) return ["v_order", i + 1];
        if (entry.prevHash !== prevHash) return ["v_link", i + 1];
        if (hashes[i] !== entry.hash) return ["v_content", i + 1];
        if (!Number.isSafeInteger(entry.points) || balance + entry.points !== entry.balanceAfter) return ["v_balance", i + 1];
        prevHash = entry.hash;
        balance = entry.balanceAfter;
      }
      if (entries.length !== head.seq || prevHash !== head.hash) return ["v_head"];
      if (balance !== head.balance) return ["v_total"];
      return null;
    });
  }

  function wellFormed(document) {
    var s = document && document.statement;
    return Boolean(s && typeof s === "object" && s.format === "loyalty-wallet/statement/1" && Array.isArray(s.entries) &&
      s.entries.every(function (e) { return e && typeof e === "object"; }) && s.head && typeof s.head === "object" &&
      s.merchant && typeof s.merchant.id === "string" && typeof s.customerId === "string" && typeof document.signature === "string");
  }

  function verifyStatement(pages, jwks) {
    if (pages.length === 0 || !pages.every(wellFormed)) return Promise.resolve({ failures: [["v_format"]] });
    var statements = pages.map(function (page) { return page.statement; });
    var signatures = pages.map(function (page) { return checkSignature(page.statement, page.signature, jwks); });
    return Promise.all(signatures.concat([checkChain(statements)])).then(function (verdicts) {
      var failures = verdicts.filter(Boolean).filter(function (f, i, all) { return all.findIndex(function (g) { return g[0] === f[0]; }) === i; });
      var head = statements[0].head;
      return { failures: failures, entries: head.seq, balance: head.balance };
    });
  }

  $("verify").addEventListener("click", function () {
    var button = $("verify");
    button.disabled = true;
    say("statement-result", t("verifying"));
    // The keys of the merchant this portal belongs to, never ones the statement itself names.
    var keys = fetch("/v1/merchants/" + encodeURIComponent(me.merchant.id) + "/jwks.json").then(function (response) {
      if (!response.ok) throw new Error("keys");
      return response.json();
    });
    Promise.all([statementPages(), keys])
      .then(function (results) { return verifyStatement(results[0], results[1]); })
      .then(function (verdict) {
        if (verdict.failures.length === 0) { say("statement-result", t("verified", { n: verdict.entries, balance: verdict.balance })); return; }
        var reasons = verdict.failures.map(function (f) { return t(f[0], { n: f[1] }); }).join(lang === "fr" ? " ; " : "; ");
        say("statement-result", t("verifyFailed", { reasons: reasons }), true);
      }, function () { say("statement-result", t("failed"), true); })
      .then(function () { button.disabled = false; });
  });

  $("new-link").addEventListener("click", function () {
    api("POST", "/v1/me/portal-link").then(function (result) {
      if (!result.ok) return;
      var fresh = /#t=([^&]+)/.exec(result.body.portalUrl);
      if (fresh) { token = fresh[1]; sessionStorage.setItem(KEY, token); }
      say("link-result", t("newLinkDone") + " " + result.body.portalUrl);
    });
  });

  // The form cannot be sent before the box is ticked (required); the API also wants {"confirm": "erase"}.
  var eraseKey = null;
  $("erase-form").addEventListener("submit", function (event) {
    event.preventDefault();
    eraseKey = eraseKey || crypto.randomUUID();
    $("erase").disabled = true;
    api("DELETE", "/v1/me", { confirm: "erase" }, { "idempotency-key": eraseKey }).then(function (result) {
      if (!result.ok) { $("erase").disabled = false; say("erase-result", problemText(result), true); return; }
      sessionStorage.removeItem(KEY);
      token = null;
      $("content").hidden = true;
      say("status", t("erased"));
      $("main").focus();
    }, function () { $("erase").disabled = false; say("erase-result", t("failed"), true); });
  });

  // Whoever opens the link may confirm, with or without the portal token (the link's token is enough).
  function confirmChange(value) {
    $("confirm-result").hidden = false;
    say("confirm-result", t("confirming"));
    return fetch("/v1/me/contact/confirm", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: value }) })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) { say("confirm-result", t("confirmed", { address: body.confirmed.email || body.confirmed.phone })); return; }
          var reason = (body.errors && body.errors[0] && body.errors[0].reason) || "";
          var key = response.status === 409 ? "confirmFailed" : response.status !== 400 ? "failed" : /^has expired/.test(reason) ? "confirmExpired" : "confirmInvalid";
          say("confirm-result", t(key), true);
        });
      })
      .catch(function () { say("confirm-result", t("failed"), true); });
  }

  translate();
  var confirmed = confirmation ? confirmChange(decodeURIComponent(confirmation[1])) : Promise.resolve();
  if (!token) { if (!confirmation) say("status", t("noToken"), true); return; }
  say("status", t("loading"));
  // After the confirmation, so that the profile shows the new address.
  confirmed.then(load);
})();
`;
