import type { walletobjects_v1 } from "@googleapis/walletobjects";

// The Google Wallet REST resources (walletobjects/v1) this project writes and reads, taken from Google's
// generated types (@googleapis/walletobjects, a devDependency: types only, nothing of it is bundled).
// Each interface picks the fields it uses, so a field Google does not have fails to compile, and
// narrows them: Google's types make every field optional and every enum a string, where a body we
// send must carry its id, class and state, and only values Google documents.
// Field meanings: developers.google.com/wallet/reference/rest/v1.

interface Google {
  LoyaltyClass: walletobjects_v1.Schema$LoyaltyClass;
  LoyaltyObject: walletobjects_v1.Schema$LoyaltyObject;
  Image: walletobjects_v1.Schema$Image;
  ImageUri: walletobjects_v1.Schema$ImageUri;
  LocalizedString: walletobjects_v1.Schema$LocalizedString;
  TranslatedString: walletobjects_v1.Schema$TranslatedString;
  Barcode: walletobjects_v1.Schema$Barcode;
  LoyaltyPoints: walletobjects_v1.Schema$LoyaltyPoints;
  LoyaltyPointsBalance: walletobjects_v1.Schema$LoyaltyPointsBalance;
  TextModuleData: walletobjects_v1.Schema$TextModuleData;
  LinksModuleData: walletobjects_v1.Schema$LinksModuleData;
  Uri: walletobjects_v1.Schema$Uri;
  Message: walletobjects_v1.Schema$Message;
}

export type ObjectState = "ACTIVE" | "COMPLETED" | "EXPIRED" | "INACTIVE";

/** Google only accepts UNDER_REVIEW or DRAFT on insert; APPROVED and REJECTED come back from reads. */
export type ReviewStatus = "UNDER_REVIEW" | "DRAFT" | "APPROVED" | "REJECTED";

export interface TranslatedString extends Pick<Google["TranslatedString"], "language" | "value"> {
  language: string;
  value: string;
}

export interface LocalizedString
  extends Pick<Google["LocalizedString"], "defaultValue" | "translatedValues"> {
  defaultValue: TranslatedString;
  translatedValues?: TranslatedString[];
}

export interface WalletImage extends Pick<Google["Image"], "sourceUri" | "contentDescription"> {
  sourceUri: Pick<Google["ImageUri"], "uri"> & { uri: string };
  contentDescription?: LocalizedString;
}

export interface Barcode extends Pick<Google["Barcode"], "type" | "value" | "alternateText"> {
  type: "QR_CODE";
  value: string;
  alternateText?: string;
}

export interface LoyaltyPoints extends Pick<Google["LoyaltyPoints"], "label" | "balance"> {
  label: string;
  /** Google's LoyaltyPointsBalance also has string/money/double variants; points are whole numbers. */
  balance: Pick<Google["LoyaltyPointsBalance"], "int"> & { int: number };
}

/** A string balance (a VIP level's name): Google recommends at most 7 characters, longer ones still show. */
export interface StringLoyaltyPoints extends Pick<Google["LoyaltyPoints"], "label" | "balance"> {
  label: string;
  balance: Pick<Google["LoyaltyPointsBalance"], "string"> & { string: string };
}

export interface TextModuleData extends Pick<Google["TextModuleData"], "id" | "header" | "body"> {
  id?: string;
  header: string;
  body: string;
}

export interface LinksModuleData extends Pick<Google["LinksModuleData"], "uris"> {
  uris: Array<
    Pick<Google["Uri"], "uri" | "description" | "id"> & { uri: string; description: string; id?: string }
  >;
}

export type MessageType = "TEXT" | "TEXT_AND_NOTIFY";

export interface WalletMessage extends Pick<Google["Message"], "id" | "header" | "body" | "messageType"> {
  id: string;
  header: string;
  body: string;
  messageType?: MessageType;
}

/** Field updates only notify when this is sent with the PATCH itself; Google does not store it. */
export type NotifyPreference = "NOTIFY_ON_UPDATE" | "NOTIFICATION_SETTINGS_FOR_UPDATES_UNSPECIFIED";

export interface LoyaltyClass
  extends Pick<
    Google["LoyaltyClass"],
    | "id"
    | "issuerName"
    | "programName"
    | "programLogo"
    | "reviewStatus"
    | "hexBackgroundColor"
    | "textModulesData"
    | "linksModuleData"
  > {
  /** `<issuerId>.<suffix>` */
  id: string;
  issuerName: string;
  programName: string;
  programLogo: WalletImage;
  reviewStatus: ReviewStatus;
  hexBackgroundColor?: string;
  textModulesData?: TextModuleData[];
  linksModuleData?: LinksModuleData;
}

export interface LoyaltyObject
  extends Pick<
    Google["LoyaltyObject"],
    | "id"
    | "classId"
    | "state"
    | "accountId"
    | "accountName"
    | "barcode"
    | "loyaltyPoints"
    | "secondaryLoyaltyPoints"
    | "textModulesData"
    | "linksModuleData"
    | "messages"
  > {
  /** `<issuerId>.<suffix>`; see loyaltyObjectId(). */
  id: string;
  classId: string;
  state: ObjectState;
  /** At most 20 characters, as Google recommends; see googleAccountId(). */
  accountId?: string;
  accountName?: string;
  barcode?: Barcode;
  loyaltyPoints?: LoyaltyPoints;
  /** The member's VIP level, beside the balance. */
  secondaryLoyaltyPoints?: StringLoyaltyPoints;
  textModulesData?: TextModuleData[];
  linksModuleData?: LinksModuleData;
  messages?: WalletMessage[];
}

export type LoyaltyObjectPatch = Partial<Omit<LoyaltyObject, "id" | "classId">>;

export interface LoyaltyObjectReference {
  id: string;
  classId: string;
}
