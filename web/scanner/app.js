import { formatAmount, parseAmount } from "./amount.js";
import { api, problemText, SignedOut, Unreachable } from "./api.js";
import * as auth from "./auth.js";
import { startCamera } from "./camera.js";
import { currentLocale, markApiText, setLocale, t, translatePage } from "./i18n.js";
import { createQueue } from "./queue.js";
import { rewardProgress } from "./rewards.js";

/**
 * The scanner's screens: sign in, pick a shop, scan, issue points (or redeem), see the result. A scan
 * cannot end half-way unnoticed: the amount field (or the Confirm button) has the focus, and a scan left
 * unconfirmed for a minute says so on screen. Earns go through the on-device queue (queue.js).
 */

const REMINDER_MS = 60_000;
const RETRY_MS = 15_000;
const LOCATION = "scanner.location";

const $ = (id) => document.getElementById(id);
let config;
let shop;
let scan;
let reminderTimer;
let stopCamera;
const rewardsByProgram = new Map();

const queue = createQueue({ send: sendEarn, onChange: renderQueue });

// ---- screens -------------------------------------------------------------------------------------

function show(view, focus) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
  const signedIn = !["signin", "newpassword", "loading"].includes(view);
  $("sign-out").hidden = !signedIn;
  $("where").hidden = !signedIn || !shop || view === "locations";
  $("queue").hidden = !signedIn || $("queue-list").childElementCount === 0;
  if (view !== "scan") stopCamera?.();
  if (view !== "customer") clearTimeout(reminderTimer);
  ($(focus) ?? document.querySelector(`#view-${view} h2`))?.focus();
}

function say(text) {
  $("status").textContent = text;
}

function renderWhere() {
  if (!shop) return;
  $("where-name").textContent = shop.name;
  markApiText($("where-program"), shop.program?.description ?? "");
}

// ---- sign-in -------------------------------------------------------------------------------------

let challenge;

function authMessage(error) {
  if (error.type === "NotAuthorizedException" || error.type === "UserNotFoundException")
    return t("wrongPassword");
  if (error.type === "PasswordResetRequiredException") return t("passwordReset");
  if (error.type === "NetworkError") return t("noNetwork");
  return t("signInFailed", { message: error.message });
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const email = form.email.value.trim();
  const password = form.password.value;
  $("signin-error").textContent = "";
  if (!email || !password) {
    $("signin-error").textContent = t("wrongPassword");
    return;
  }
  await busy(form, async () => {
    try {
      const answer = await auth.signIn(config, email, password);
      form.password.value = "";
      if (answer.challenge) {
        challenge = { email, session: answer.session };
        show("newpassword", "new-password");
        return;
      }
      await signedIn();
    } catch (error) {
      $("signin-error").textContent = authMessage(error);
    }
  });
});

$("newpassword-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  $("newpassword-error").textContent = "";
  if (form.newPassword.value !== form.again.value) {
    $("newpassword-error").textContent = t("passwordsDiffer");
    return;
  }
  await busy(form, async () => {
    try {
      await auth.chooseNewPassword(config, challenge.email, challenge.session, form.newPassword.value);
      form.reset();
      await signedIn();
    } catch (error) {
      $("newpassword-error").textContent =
        error.type === "InvalidPasswordException"
          ? t("passwordRefused", { message: error.message })
          : authMessage(error);
    }
  });
});

$("sign-out").addEventListener("click", async () => {
  const waiting = (await queue.list()).filter((earn) => earn.status !== "refused");
  if (waiting.length > 0) {
    say(t("signOutBlocked"));
    return;
  }
  await auth.signOut(config);
  shop = undefined;
  localStorage.removeItem(LOCATION);
  say("");
  show("signin", "signin-email");
});

function sessionEnded() {
  say(t("sessionEnded"));
  show("signin", "signin-email");
}

async function signedIn() {
  say("");
  if (shop) {
    renderWhere();
    show("scan", "barcode");
  } else {
    await chooseLocation();
  }
  queue.flush();
}

// ---- locations -----------------------------------------------------------------------------------

async function chooseLocation() {
  show("locations");
  $("locations").replaceChildren();
  $("locations-error").textContent = "";
  try {
    const answer = await api(config, "GET", "/v1/locations");
    if (answer.status !== 200) throw new Error(problemText(answer.body));
    const locations = answer.body.locations;
    if (locations.length === 0) $("locations-error").textContent = t("noLocations");
    for (const option of locations) {
      const button = document.createElement("button");
      button.type = "button";
      button.append(option.name);
      const line = document.createElement("span");
      line.className = "line";
      markApiText(line, option.program?.description ?? "");
      button.append(line);
      button.addEventListener("click", () => {
        shop = { id: option.id, name: option.name, programId: option.programId, program: option.program };
        localStorage.setItem(LOCATION, JSON.stringify(shop));
        renderWhere();
        show("scan", "barcode");
      });
      const item = document.createElement("li");
      item.append(button);
      $("locations").append(item);
    }
    $("locations-h").focus();
  } catch (error) {
    if (error instanceof SignedOut) return sessionEnded();
    $("locations-error").textContent = t("locationsFailed", {
      message: error instanceof Unreachable ? t("unreachable") : error.message,
    });
  }
}

$("change-location").addEventListener("click", () => chooseLocation());

// ---- scanning ------------------------------------------------------------------------------------

$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const barcode = $("barcode").value.trim();
  if (!barcode) {
    $("scan-error").textContent = t("notFound");
    return;
  }
  lookUp(barcode);
});

$("camera").addEventListener("click", async () => {
  if (stopCamera) {
    stopCamera();
    return;
  }
  $("scan-error").textContent = "";
  try {
    $("camera-box").hidden = false;
    $("camera").textContent = t("stopCamera");
    const stop = await startCamera($("camera-video"), (barcode) => {
      stopCamera?.();
      $("barcode").value = barcode;
      lookUp(barcode);
    });
    stopCamera = () => {
      stop();
      stopCamera = undefined;
      $("camera-box").hidden = true;
      $("camera").textContent = t("camera");
    };
  } catch {
    $("camera-box").hidden = true;
    $("camera").textContent = t("camera");
    $("scan-error").textContent = t("cameraUnavailable");
  }
});

async function lookUp(barcode) {
  $("scan-error").textContent = "";
  const form = $("scan-form");
  await busy(form, async () => {
    try {
      const path = `/v1/scan/${encodeURIComponent(barcode)}?locationId=${encodeURIComponent(shop.id)}`;
      const [answer, rewards] = await Promise.all([api(config, "GET", path), loadRewards()]);
      if (answer.status === 404) {
        $("scan-error").textContent = t("notFound");
        return;
      }
      if (answer.status !== 200) {
        $("scan-error").textContent = t("lookupFailed", { message: problemText(answer.body) });
        return;
      }
      openScan({ barcode, customer: answer.body.customer, balance: answer.body.balance, rewards });
    } catch (error) {
      if (error instanceof SignedOut) return sessionEnded();
      if (error instanceof Unreachable) return openScan({ barcode, offline: true, rewards: [] });
      $("scan-error").textContent = t("lookupFailed", { message: String(error) });
    }
  });
}

/** The shop's rewards, once per program; none when they cannot be had (the scan goes on without). */
async function loadRewards() {
  const programId = shop.programId;
  if (rewardsByProgram.has(programId)) return rewardsByProgram.get(programId);
  try {
    const answer = await api(config, "GET", `/v1/rewards?programId=${encodeURIComponent(programId)}`);
    const rewards = answer.status === 200 ? answer.body.rewards : [];
    if (answer.status === 200) rewardsByProgram.set(programId, rewards);
    return rewards;
  } catch {
    return [];
  }
}

// ---- the customer screen: issue points, or redeem ------------------------------------------------

const isPurchase = () => shop.program?.rule?.kind !== "visit";
const currency = () => shop.program?.rule?.currency ?? "EUR";
const example = () => formatAmount("23.40", currency(), currentLocale()).replace(/[^\d.,]/g, "");

function openScan(next) {
  scan = { ...next, startedAt: Date.now() };
  $("customer-h").textContent = scan.customer?.name ?? scan.barcode;
  $("customer-offline").hidden = !scan.offline;
  $("customer-details").hidden = Boolean(scan.offline);
  $("earn-error").textContent = "";
  $("amount-error").textContent = "";
  $("amount").value = "";
  $("amount").removeAttribute("aria-invalid");
  $("reminder").hidden = true;
  $("amount-field").hidden = !isPurchase();
  $("amount").required = isPurchase();
  $("amount-label").textContent = t("amountLabel", { currency: currency() });
  $("amount-hint").textContent = t("amountHint", { example: example() });
  $("earn-submit").textContent = isPurchase() ? t("issuePoints") : t("confirmVisit");
  renderRewards();
  show("customer", isPurchase() ? "amount" : "earn-submit");
  clearTimeout(reminderTimer);
  reminderTimer = setTimeout(() => {
    $("reminder").textContent = isPurchase() ? t("reminder") : t("reminderVisit");
    $("reminder").hidden = false;
  }, REMINDER_MS);
}

function renderRewards() {
  $("customer-balance").textContent = scan.offline ? "" : t("points", { points: scan.balance });
  const { covered, next } = rewardProgress(scan.rewards, scan.balance ?? 0);
  $("next-reward").textContent = next
    ? t("nextReward", { missing: next.missing, reward: next.reward.name, points: next.reward.points })
    : covered.length === 0
      ? t("noRewards")
      : "";
  $("reward-progress").hidden = !next;
  if (next) $("reward-progress").value = next.ratio;
  $("redeem").hidden = scan.offline || covered.length === 0;
  $("redeem-error").textContent = "";
  $("redeem-list").replaceChildren(
    ...covered.map((reward) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t("redeem", { reward: reward.name, points: reward.points });
      button.addEventListener("click", () => redeem(reward, button));
      const item = document.createElement("li");
      item.append(button);
      return item;
    }),
  );
}

$("earn-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const body = { barcode: scan.barcode, locationId: shop.id, type: isPurchase() ? "purchase" : "visit" };
  let shown = t("visit");
  if (isPurchase()) {
    const parsed = parseAmount($("amount").value, currentLocale(), currency());
    if (!parsed.ok) {
      $("amount-error").textContent = t(parsed.reason, { example: example(), decimals: parsed.decimals });
      $("amount").setAttribute("aria-invalid", "true");
      $("amount").focus();
      return;
    }
    $("amount-error").textContent = "";
    $("amount").removeAttribute("aria-invalid");
    body.amount = parsed.amount;
    body.currency = currency();
    shown = formatAmount(parsed.amount, currency(), currentLocale());
  }
  await busy(form, async () => {
    clearTimeout(reminderTimer);
    const earn = {
      key: crypto.randomUUID(),
      body,
      label: { who: scan.customer?.name ?? scan.barcode, what: shown },
    };
    const answer = await queue.add(earn);
    if (answer.outcome === "refused") {
      // Refused on its first try, in front of the staff member: said here, and not kept.
      await queue.dismiss(earn.key);
      $("earn-error").textContent = answer.reason;
      return;
    }
    if (answer.outcome === "signed-out") return sessionEnded();
    showResult(answer);
  });
});

$("cancel-scan").addEventListener("click", () => {
  scan = undefined;
  $("barcode").value = "";
  show("scan", "barcode");
});

function showResult(answer) {
  const done = answer.outcome === "done";
  $("result-h").textContent = done ? t("resultTitle") : t("pendingTitle");
  $("result-points").hidden = !done;
  $("result-balance").hidden = !done;
  $("result-explained").hidden = !done;
  $("result-text").textContent = done ? "" : t("pendingText");
  if (done) {
    const entry = answer.transaction;
    $("result-points").textContent = t("issued", { points: entry.points });
    $("result-balance").textContent = t("newBalance", { points: entry.balanceAfter });
    markApiText($("result-explanation"), entry.explanation);
  }
  show("result", "result-h");
}

$("next-customer").addEventListener("click", () => {
  scan = undefined;
  $("barcode").value = "";
  show("scan", "barcode");
});

async function redeem(reward, button) {
  $("redeem-error").textContent = "";
  button.disabled = true;
  try {
    // One key per tap: a second tap on a slow network replays the first instead of redeeming twice.
    button.dataset.key ??= crypto.randomUUID();
    const answer = await api(config, "POST", "/v1/redemptions", {
      body: { customerId: scan.customer.id, rewardId: reward.id, locationId: shop.id },
      idempotencyKey: button.dataset.key,
    });
    if (answer.status !== 201) {
      $("redeem-error").textContent = t("redeemFailed", { message: problemText(answer.body) });
      return;
    }
    clearTimeout(reminderTimer);
    const { redemption, entry } = answer.body;
    scan.redemption = redemption;
    $("coupon-reward").textContent = `${redemption.reward.name} — ${redemption.reward.description}`;
    $("coupon-code").textContent = redemption.code;
    $("coupon-spent").textContent = t("spent", { points: redemption.points, balance: entry.balanceAfter });
    $("coupon-result").textContent = "";
    $("use-coupon").hidden = false;
    show("coupon", "coupon-h");
  } catch (error) {
    if (error instanceof SignedOut) return sessionEnded();
    $("redeem-error").textContent = t("redeemFailed", { message: t("unreachable") });
  } finally {
    button.disabled = false;
  }
}

$("use-coupon").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    const answer = await api(
      config,
      "POST",
      `/v1/redemptions/${encodeURIComponent(scan.redemption.id)}/use`,
      {
        body: { locationId: shop.id },
      },
    );
    if (answer.status === 200) {
      $("coupon-result").textContent = t("couponUsed");
      button.hidden = true;
      $("coupon-done").focus();
    } else {
      $("coupon-result").textContent = t("useFailed", { message: problemText(answer.body) });
    }
  } catch (error) {
    if (error instanceof SignedOut) return sessionEnded();
    $("coupon-result").textContent = t("useFailed", { message: t("unreachable") });
  } finally {
    button.disabled = false;
  }
});

$("coupon-done").addEventListener("click", () => {
  scan = undefined;
  $("barcode").value = "";
  show("scan", "barcode");
});

// ---- enrolling -----------------------------------------------------------------------------------

$("enrol").addEventListener("click", () => {
  $("enrol-form").reset();
  delete $("enrol-form").dataset.key;
  $("enrol-locale").value = currentLocale();
  $("enrol-error").textContent = "";
  show("enrol", "enrol-name");
});

$("enrol-cancel").addEventListener("click", () => show("scan", "barcode"));

/**
 * A new member, enrolled by staff (POST /v1/customers; the role needs customers:write, else the API says
 * so). With an e-mail the Welcome Moment sends the card; otherwise the answer's `welcome` QR code is shown
 * for the customer to scan with their phone.
 */
$("enrol-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("enrol-name").value.trim();
  if (!name) {
    $("enrol-error").textContent = t("enrolNeedsName");
    return;
  }
  const email = $("enrol-email").value.trim();
  const phone = $("enrol-phone").value.trim();
  const button = $("enrol-submit");
  button.disabled = true;
  // The same key until it is answered, so a retry after a timeout cannot enrol the customer twice.
  $("enrol-form").dataset.key ??= crypto.randomUUID();
  try {
    const answer = await api(config, "POST", "/v1/customers", {
      body: {
        name,
        locale: $("enrol-locale").value,
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
      },
      idempotencyKey: $("enrol-form").dataset.key,
    });
    if (answer.status !== 201) {
      $("enrol-error").textContent = t("enrolFailed", { message: problemText(answer.body) });
      return;
    }
    const welcome = answer.body.welcome;
    const qr = $("welcome-qr");
    qr.hidden = !welcome;
    if (welcome) {
      qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(welcome.qrSvg)}`;
      qr.alt = t("welcomeQrAlt", { name });
    }
    $("welcome-text").textContent = t(welcome ? "welcomeByQr" : "welcomeByEmail", { name });
    show("welcome", "welcome-h");
  } catch (error) {
    if (error instanceof SignedOut) return sessionEnded();
    $("enrol-error").textContent = t("enrolFailed", { message: t("unreachable") });
  } finally {
    button.disabled = false;
  }
});

$("welcome-done").addEventListener("click", () => {
  $("barcode").value = "";
  show("scan", "barcode");
});

// ---- the queue -----------------------------------------------------------------------------------

/** One earn to the API, its answer sorted into what the queue keeps or drops. */
async function sendEarn(earn) {
  try {
    const answer = await api(config, "POST", "/v1/transactions", {
      body: earn.body,
      idempotencyKey: earn.key,
    });
    if (answer.status === 201) return { outcome: "done", transaction: answer.body.transaction };
    // Throttled or the server unwell: the same key later gives the one answer.
    if (answer.status === 408 || answer.status === 429 || answer.status >= 500) return { outcome: "pending" };
    if (answer.status === 401) return { outcome: "pending" };
    return { outcome: "refused", reason: problemText(answer.body) || `HTTP ${answer.status}` };
  } catch (error) {
    if (error instanceof SignedOut) {
      sessionEnded();
      return { outcome: "pending" };
    }
    return { outcome: "pending" };
  }
}

function renderQueue(earns) {
  $("queue-h").textContent = t("queueTitle", { count: earns.length });
  $("queue-list").replaceChildren(
    ...earns.map((earn) => {
      const item = document.createElement("li");
      item.dataset.status = earn.status;
      const state =
        earn.status === "refused"
          ? t("refused", { reason: earn.reason })
          : earn.status === "sending"
            ? t("sending")
            : t("pending");
      item.textContent = `${earn.label.who} · ${earn.label.what} · ${state}`;
      if (earn.status === "refused") {
        item.className = "refused";
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = t("dismiss");
        button.setAttribute("aria-label", `${t("dismiss")}: ${earn.label.who} · ${earn.label.what}`);
        button.addEventListener("click", () => queue.dismiss(earn.key));
        item.append(" ", button);
      }
      return item;
    }),
  );
  const signedInView = !["view-signin", "view-newpassword", "view-loading"].some((id) => !$(id).hidden);
  $("queue").hidden = earns.length === 0 || !signedInView;
}

/** Whether the last call to the API got an answer (web/common/api.js). */
let apiReached = true;

function renderOnline() {
  $("offline").hidden = navigator.onLine && apiReached;
}

window.addEventListener("api-reachability", (event) => {
  apiReached = event.detail.reached;
  renderOnline();
});

window.addEventListener("online", () => {
  renderOnline();
  queue.flush();
});
window.addEventListener("offline", renderOnline);
setInterval(() => {
  if (navigator.onLine) queue.flush();
}, RETRY_MS);
// A phone unlocked, a tab brought back: a good moment to try again.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") queue.flush();
});

// ---- start ---------------------------------------------------------------------------------------

async function busy(form, work) {
  const buttons = [...form.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;
  try {
    await work();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

$("locale").addEventListener("change", (event) => {
  setLocale(event.currentTarget.value);
  translatePage();
  renderWhere();
  queue.refresh();
});

async function start() {
  setLocale(currentLocale());
  $("locale").value = currentLocale();
  translatePage();
  renderOnline();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/scanner/sw.js", { scope: "/scanner" }).catch(() => {});
  }
  navigator.storage?.persist?.().catch(() => {});
  try {
    const response = await fetch("/scanner/config.json");
    if (!response.ok) throw new Error(String(response.status));
    config = await response.json();
  } catch {
    say(t("configFailed"));
    return;
  }
  try {
    shop = JSON.parse(localStorage.getItem(LOCATION) ?? "null") ?? undefined;
  } catch {
    shop = undefined;
  }
  await queue.refresh();
  if (await auth.hasSession()) await signedIn();
  else show("signin", "signin-email");
}

start();
