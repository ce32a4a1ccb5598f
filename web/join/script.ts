/**
 * The join and find-my-card pages' script: plain browser JavaScript, no framework, no build step, served
 * inline with its hash in the Content-Security-Policy (./page.ts). The server renders every static text in
 * the page's language; the script holds only what it says itself. It calls the public join API of this
 * origin (connect-src 'self'), and is exercised in a real Chromium by test/e2e/join-browser.test.ts.
 */
export const JOIN_SCRIPT = String.raw`
(function () {
  "use strict";
  var TEXT = {
    fr: {
      sending: "Envoi en cours…", failed: "Le service ne répond pas. Réessayez dans un instant : votre demande ne sera pas faite deux fois.",
      unknown: "Ce programme de fidélité est introuvable. Vérifiez le lien ou demandez au magasin.",
      limited: "Trop de demandes pour l'instant. Réessayez dans {minutes} min.",
      fix: "Vérifiez les champs signalés.", needName: "Indiquez votre nom.",
      needContact: "Indiquez un e-mail, un numéro de téléphone, ou les deux.",
      badEmail: "Cette adresse e-mail n'est pas valide.", badPhone: "Ce numéro de téléphone n'est pas valide.",
      needAddress: "Indiquez l'e-mail ou le numéro de téléphone de votre inscription.",
      cardSent: "C'est parti : si cette adresse correspond à une carte chez nous, un message avec ses liens vient d'y être envoyé."
    },
    en: {
      sending: "Sending…", failed: "The service is not answering. Try again in a moment: your request will not be made twice.",
      unknown: "This loyalty programme cannot be found. Check the link or ask the shop.",
      limited: "Too many requests for now. Try again in {minutes} min.",
      fix: "Please check the fields marked.", needName: "Enter your name.",
      needContact: "Enter an email address, a phone number, or both.",
      badEmail: "This email address is not valid.", badPhone: "This phone number is not valid.",
      needAddress: "Enter the email address or phone number you joined with.",
      cardSent: "Done: if this address belongs to a card here, a message with its links was just sent to it."
    }
  };
  var lang = document.documentElement.lang === "en" ? "en" : "fr";
  var $ = function (id) { return document.getElementById(id); };
  // A friend's link (?ref=CODE) is read here, not by the server, so the page stays the same for everyone;
  // the language switch keeps it.
  var refCode = new URLSearchParams(window.location.search).get("ref");
  if (refCode && !/^[A-Z2-9]{4,32}$/.test(refCode)) refCode = null;
  var switchLink = document.querySelector("a.lang");
  if (refCode && switchLink) {
    var switched = new URL(switchLink.getAttribute("href"), window.location.href);
    switched.searchParams.set("ref", refCode);
    switchLink.setAttribute("href", switched.pathname + switched.search);
  }
  var t = function (key, values) {
    return TEXT[lang][key].replace(/\{(\w+)\}/g, function (_, name) { return values && values[name] !== undefined ? values[name] : ""; });
  };
  var newKey = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  };
  var say = function (node, text, isError) {
    node.textContent = text;
    node.className = "notice" + (isError ? " error" : "");
  };
  var fieldError = function (name, text) {
    var input = $(name), error = $(name + "-error");
    if (!input || !error) return false;
    input.setAttribute("aria-invalid", text ? "true" : "false");
    error.textContent = text || "";
    return Boolean(text);
  };
  var trimmed = function (input) { return input ? input.value.trim() : ""; };

  // Why a request did not go through, as the status line says it; "retry" keeps the same key.
  var problemText = function (response, body) {
    if (response.status === 404) return t("unknown");
    if (response.status === 429) {
      var seconds = Number(response.headers.get("retry-after")) || 60;
      return t("limited", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
    }
    if (response.status === 400 && body && body.errors) return t("fix");
    return t("failed");
  };
  var post = function (path, body, key) {
    var headers = { "content-type": "application/json" };
    if (key) headers["idempotency-key"] = key;
    return fetch(path, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "omit" })
      .then(function (response) {
        return response.text().then(function (text) {
          var parsed = null;
          try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
          return { response: response, body: parsed };
        });
      });
  };

  var ua = navigator.userAgent;
  var ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  var android = /Android/.test(ua);

  /** The wallet buttons: the phone's own wallet first and emphasised; both alike elsewhere. */
  var showWallets = function (pass) {
    var apple = $("apple"), google = $("google"), box = $("wallets");
    apple.hidden = !pass.appleWalletUrl;
    google.hidden = !pass.googleWalletUrl;
    if (pass.appleWalletUrl) apple.href = pass.appleWalletUrl;
    if (pass.googleWalletUrl) google.href = pass.googleWalletUrl;
    var first = android ? google : apple, second = android ? apple : google;
    box.insertBefore(first, box.firstChild);
    box.appendChild(second);
    second.classList.toggle("secondary", (ios || android) && !first.hidden);
    $("no-wallet").hidden = Boolean(pass.appleWalletUrl || pass.googleWalletUrl);
  };

  var show = function (id) {
    $("join").hidden = true;
    var section = $(id);
    section.hidden = false;
    var heading = section.querySelector("h2");
    if (heading) heading.focus();
  };

  var joinForm = $("join-form");
  if (joinForm) {
    var attempt = null;
    joinForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = $("form-status"), button = joinForm.querySelector("button[type=submit]");
      var name = trimmed($("name")), email = trimmed($("email")), phone = trimmed($("phone"));
      var problems = [
        fieldError("name", name ? "" : t("needName")),
        fieldError("email", !email && !phone ? t("needContact") : email && !$("email").validity.valid ? t("badEmail") : ""),
        fieldError("phone", "")
      ];
      if (problems.some(Boolean)) {
        say(status, t("fix"), true);
        var invalid = joinForm.querySelector("[aria-invalid=true]");
        if (invalid) invalid.focus();
        return;
      }
      var body = {
        name: name,
        locale: $("locale").value === "en" ? "en" : "fr",
        consents: { transactional: $("transactional").checked, marketing: $("marketing").checked }
      };
      if (email) body.email = email;
      if (phone) body.phone = phone;
      if (joinForm.dataset.location) body.locationId = joinForm.dataset.location;
      if (refCode) body.referralCode = refCode;
      var text = JSON.stringify(body);
      // The same submission keeps its key, so a retry after a timeout cannot make a second card.
      if (!attempt || attempt.text !== text) attempt = { text: text, key: newKey() };
      button.disabled = true;
      say(status, t("sending"), false);
      post("/v1/join/" + encodeURIComponent(joinForm.dataset.merchant), body, attempt.key)
        .then(function (answer) {
          var r = answer.response, b = answer.body;
          if (r.status === 201 && b && b.pass) {
            showWallets(b.pass);
            $("portal").href = b.portalUrl;
            show("done");
            return;
          }
          if (r.status === 202) { show("sent"); return; }
          if (r.status === 400 && b && b.errors) {
            b.errors.forEach(function (e) {
              if (e.field === "email") fieldError("email", email ? t("badEmail") : t("needContact"));
              else if (e.field === "phone") fieldError("phone", t("badPhone"));
              else if (e.field === "name") fieldError("name", t("needName"));
            });
            var invalidField = joinForm.querySelector("[aria-invalid=true]");
            if (invalidField) invalidField.focus();
          }
          say(status, problemText(r, b), true);
        })
        .catch(function () { say(status, t("failed"), true); })
        .then(function () { button.disabled = false; });
    });
  }

  var cardForm = $("card-form");
  if (cardForm) {
    cardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = $("form-status"), button = cardForm.querySelector("button[type=submit]");
      var address = trimmed($("address"));
      if (fieldError("address", address ? "" : t("needAddress"))) {
        say(status, t("fix"), true);
        $("address").focus();
        return;
      }
      var body = address.indexOf("@") >= 0 ? { email: address } : { phone: address };
      button.disabled = true;
      say(status, t("sending"), false);
      post("/v1/join/" + encodeURIComponent(cardForm.dataset.merchant) + "/card", body)
        .then(function (answer) {
          var r = answer.response, b = answer.body;
          if (r.status === 202) { say(status, t("cardSent"), false); return; }
          if (r.status === 400) fieldError("address", body.email ? t("badEmail") : t("badPhone"));
          say(status, problemText(r, b), true);
        })
        .catch(function () { say(status, t("failed"), true); })
        .then(function () { button.disabled = false; });
    });
  }
})();
`;
