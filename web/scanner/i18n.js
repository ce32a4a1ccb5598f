import { initialLocale, keepLocale, LOCALES } from "./locale.js";

/**
 * The app's words in French and English. The language is the browser's (fr when it prefers French, else
 * en) until staff pick one, which is kept on the device. What the API writes (a program's description,
 * an entry's explanation) stays in the API's English and is marked so (lang="en").
 */
const WORDS = {
  en: {
    appTitle: "Loyalty scanner",
    language: "Language",
    signInTitle: "Sign in",
    email: "E-mail",
    password: "Password",
    signIn: "Sign in",
    wrongPassword: "Wrong e-mail or password.",
    passwordReset: "Your password must be reset: ask the owner to send you a new invitation.",
    noNetwork: "No network: try again when the device is online.",
    signInFailed: "Sign-in failed: {message}",
    newPasswordTitle: "Choose your password",
    newPasswordIntro:
      "This is your first sign-in: replace the temporary password with your own. At least 12 characters, with upper and lower case letters, a digit and a symbol.",
    newPassword: "New password",
    confirmPassword: "New password again",
    savePassword: "Save and sign in",
    passwordsDiffer: "The two passwords differ.",
    passwordRefused: "This password is refused: {message}",
    locationsTitle: "Where are you working?",
    locationsIntro: "Pick the shop you are in. The points follow its program.",
    noLocations: "You are not assigned to any shop: ask the owner.",
    locationsFailed: "The shops could not be loaded: {message}",
    changeLocation: "Change shop",
    signOut: "Sign out",
    signOutBlocked: "Some points are still waiting to be sent: sign out once they are sent.",
    scanTitle: "Scan a card",
    barcode: "Barcode",
    barcodeHint: "Type the code printed under the QR code if the camera cannot read it.",
    lookUp: "Look up",
    camera: "Scan with the camera",
    stopCamera: "Stop the camera",
    cameraHint: "Point the camera at the QR code of the card.",
    cameraUnavailable: "No camera can be used here: type the barcode.",
    notFound: "No card with this barcode.",
    lookupFailed: "The card could not be looked up: {message}",
    atLocation: "{location}",
    balance: "Balance",
    points: "{points} points",
    nextReward: "{missing} more points for {reward} ({points} points)",
    noRewards: "No reward in this program yet.",
    progressLabel: "Progress to the next reward",
    offlineCustomer:
      "No network: the name and balance cannot be shown. The points are saved on this device and sent when the network is back.",
    amountLabel: "Purchase amount ({currency})",
    amountHint: "For example {example}",
    issuePoints: "Issue the points",
    confirmVisit: "Confirm the visit",
    cancelScan: "Cancel",
    enrol: "New customer",
    enrolTitle: "New customer",
    enrolName: "Name",
    enrolPhone: "Phone",
    enrolLocale: "Customer's language",
    enrolContactHint:
      "An e-mail receives the card; with a phone only, the customer scans the QR code shown next.",
    enrolSubmit: "Create the card",
    enrolFailed: "The card could not be created: {message}",
    enrolNeedsName: "Enter the customer's name.",
    welcomeTitle: "Card created",
    welcomeByEmail: "{name}'s card is on its way to their e-mail.",
    welcomeByQr: "{name} scans this QR code with their phone to add the card.",
    welcomeQrAlt: "QR code of {name}'s card link",
    required: "Enter the purchase amount.",
    invalid: "Enter an amount such as {example}.",
    decimals: "At most {decimals} decimals.",
    zero: "The amount must be more than 0.",
    reminder:
      "This scan is not finished: no points have been issued yet. Enter the amount and confirm, or cancel.",
    reminderVisit: "This scan is not finished: no points have been issued yet. Confirm the visit, or cancel.",
    rewardsCovered: "Rewards the balance covers",
    redeem: "Redeem {reward} ({points} points)",
    redeemFailed: "The reward could not be redeemed: {message}",
    resultTitle: "Points issued",
    issued: "+{points} points",
    newBalance: "New balance: {points} points",
    howComputed: "How they were computed",
    nextCustomer: "Next customer",
    pendingTitle: "Saved on this device",
    pendingText:
      "No network: the points will be sent automatically as soon as the network is back. Nothing else to do.",
    refusedTitle: "Points not issued",
    queueTitle: "Waiting to be sent ({count})",
    queueIntro: "Sent automatically when the network is back.",
    pending: "Pending",
    sending: "Sending…",
    refused: "Refused: {reason}",
    dismiss: "Dismiss",
    offline: "Offline: points are kept on this device and sent later.",
    couponTitle: "Coupon",
    couponCode: "Code",
    spent: "−{points} points · new balance {balance} points",
    useCoupon: "Use the coupon now",
    couponUsed: "Coupon used.",
    useFailed: "The coupon could not be used: {message}",
    done: "Done",
    visit: "Visit",
    loading: "Loading…",
    configFailed: "The app needs the network to start the first time.",
    sessionEnded: "Your session has ended: sign in again. Points waiting to be sent are kept.",
    unreachable: "No answer from the server: try again.",
  },
  fr: {
    appTitle: "Scanner fidélité",
    language: "Langue",
    signInTitle: "Connexion",
    email: "E-mail",
    password: "Mot de passe",
    signIn: "Se connecter",
    wrongPassword: "E-mail ou mot de passe incorrect.",
    passwordReset: "Votre mot de passe doit être réinitialisé : demandez une nouvelle invitation.",
    noNetwork: "Pas de réseau : réessayez quand l'appareil sera connecté.",
    signInFailed: "Connexion impossible : {message}",
    newPasswordTitle: "Choisissez votre mot de passe",
    newPasswordIntro:
      "C'est votre première connexion : remplacez le mot de passe provisoire par le vôtre. Au moins 12 caractères, avec majuscules, minuscules, un chiffre et un symbole.",
    newPassword: "Nouveau mot de passe",
    confirmPassword: "Nouveau mot de passe, à nouveau",
    savePassword: "Enregistrer et se connecter",
    passwordsDiffer: "Les deux mots de passe diffèrent.",
    passwordRefused: "Mot de passe refusé : {message}",
    locationsTitle: "Où travaillez-vous ?",
    locationsIntro: "Choisissez le magasin où vous êtes. Les points suivent son programme.",
    noLocations: "Vous n'êtes affecté à aucun magasin : demandez au responsable.",
    locationsFailed: "Impossible de charger les magasins : {message}",
    changeLocation: "Changer de magasin",
    signOut: "Se déconnecter",
    signOutBlocked: "Des points attendent encore d'être envoyés : déconnectez-vous une fois envoyés.",
    scanTitle: "Scanner une carte",
    barcode: "Code-barres",
    barcodeHint: "Saisissez le code imprimé sous le QR code si la caméra ne le lit pas.",
    lookUp: "Rechercher",
    camera: "Scanner avec la caméra",
    stopCamera: "Arrêter la caméra",
    cameraHint: "Visez le QR code de la carte.",
    cameraUnavailable: "Aucune caméra utilisable ici : saisissez le code-barres.",
    notFound: "Aucune carte avec ce code-barres.",
    lookupFailed: "Impossible de trouver la carte : {message}",
    atLocation: "{location}",
    balance: "Solde",
    points: "{points} points",
    nextReward: "Encore {missing} points pour {reward} ({points} points)",
    noRewards: "Pas encore de récompense dans ce programme.",
    progressLabel: "Progression vers la prochaine récompense",
    offlineCustomer:
      "Pas de réseau : le nom et le solde ne peuvent pas être affichés. Les points sont enregistrés sur l'appareil et envoyés au retour du réseau.",
    amountLabel: "Montant de l'achat ({currency})",
    amountHint: "Par exemple {example}",
    issuePoints: "Attribuer les points",
    confirmVisit: "Valider la visite",
    cancelScan: "Annuler",
    enrol: "Nouveau client",
    enrolTitle: "Nouveau client",
    enrolName: "Nom",
    enrolPhone: "Téléphone",
    enrolLocale: "Langue du client",
    enrolContactHint:
      "Avec un e-mail, le client reçoit sa carte ; avec un téléphone seul, il scanne le code QR affiché ensuite.",
    enrolSubmit: "Créer la carte",
    enrolFailed: "La carte n'a pas pu être créée : {message}",
    enrolNeedsName: "Saisissez le nom du client.",
    welcomeTitle: "Carte créée",
    welcomeByEmail: "La carte de {name} part vers son adresse e-mail.",
    welcomeByQr: "{name} scanne ce code QR avec son téléphone pour ajouter la carte.",
    welcomeQrAlt: "Code QR du lien de la carte de {name}",
    required: "Saisissez le montant de l'achat.",
    invalid: "Saisissez un montant comme {example}.",
    decimals: "Au plus {decimals} décimales.",
    zero: "Le montant doit être supérieur à 0.",
    reminder:
      "Ce passage n'est pas terminé : aucun point n'a encore été attribué. Saisissez le montant et validez, ou annulez.",
    reminderVisit:
      "Ce passage n'est pas terminé : aucun point n'a encore été attribué. Validez la visite, ou annulez.",
    rewardsCovered: "Récompenses couvertes par le solde",
    redeem: "Échanger {reward} ({points} points)",
    redeemFailed: "Échange impossible : {message}",
    resultTitle: "Points attribués",
    issued: "+{points} points",
    newBalance: "Nouveau solde : {points} points",
    howComputed: "Le calcul",
    nextCustomer: "Client suivant",
    pendingTitle: "Enregistré sur l'appareil",
    pendingText:
      "Pas de réseau : les points seront envoyés automatiquement dès le retour du réseau. Rien d'autre à faire.",
    refusedTitle: "Points non attribués",
    queueTitle: "En attente d'envoi ({count})",
    queueIntro: "Envoyés automatiquement au retour du réseau.",
    pending: "En attente",
    sending: "Envoi…",
    refused: "Refusé : {reason}",
    dismiss: "Retirer",
    offline: "Hors ligne : les points sont gardés sur l'appareil et envoyés plus tard.",
    couponTitle: "Bon de réduction",
    couponCode: "Code",
    spent: "−{points} points · nouveau solde {balance} points",
    useCoupon: "Utiliser le bon maintenant",
    couponUsed: "Bon utilisé.",
    useFailed: "Impossible d'utiliser le bon : {message}",
    done: "Terminé",
    visit: "Visite",
    loading: "Chargement…",
    configFailed: "L'application a besoin du réseau pour démarrer la première fois.",
    sessionEnded: "Votre session a pris fin : reconnectez-vous. Les points en attente sont gardés.",
    unreachable: "Pas de réponse du serveur : réessayez.",
  },
};

export { LOCALES };

const SAVED = "scanner.locale";

let locale = initialLocale(SAVED);

export const currentLocale = () => locale;

export function setLocale(next) {
  locale = keepLocale(SAVED, next);
}

/** A text in the current language, its `{names}` filled in. */
export function t(key, params = {}) {
  const text = WORDS[locale][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** Fills every element marked `data-t` (its text) or `data-t-label` (its aria-label). */
export function translatePage(root = document) {
  document.documentElement.lang = locale;
  for (const element of root.querySelectorAll("[data-t]")) element.textContent = t(element.dataset.t);
  document.title = t("appTitle");
}

/** Text that comes from the API, which writes English: marked so, for screen readers on a French page. */
export function markApiText(element, text) {
  element.textContent = text;
  element.lang = "en";
}
