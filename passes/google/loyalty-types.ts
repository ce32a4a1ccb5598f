// The subset of the Google Wallet REST resources (walletobjects/v1) this project writes and reads.
// Field names and enum values are Google's; see developers.google.com/wallet/reference/rest/v1.

export type ObjectState = "ACTIVE" | "COMPLETED" | "EXPIRED" | "INACTIVE";

/** Google only accepts UNDER_REVIEW or DRAFT on insert; APPROVED and REJECTED come back from reads. */
export type ReviewStatus = "UNDER_REVIEW" | "DRAFT" | "APPROVED" | "REJECTED";

export interface TranslatedString {
  language: string;
  value: string;
}

export interface LocalizedString {
  defaultValue: TranslatedString;
  translatedValues?: TranslatedString[];
}

export interface WalletImage {
  sourceUri: { uri: string };
  contentDescription?: LocalizedString;
}

export interface Barcode {
  type: "QR_CODE";
  value: string;
  alternateText?: string;
}

export interface LoyaltyPoints {
  label: string;
  /** Google's LoyaltyPointsBalance also has string/money/double variants; points are whole numbers. */
  balance: { int: number };
}

export interface TextModuleData {
  id?: string;
  header: string;
  body: string;
}

export interface LinksModuleData {
  uris: Array<{ uri: string; description: string; id?: string }>;
}

export type MessageType = "TEXT" | "TEXT_AND_NOTIFY";

export interface WalletMessage {
  id: string;
  header: string;
  body: string;
  messageType?: MessageType;
}

/** Field updates only notify when this is sent with the PATCH itself; Google does not store it. */
export type NotifyPreference = "NOTIFY_ON_UPDATE" | "NOTIFICATION_SETTINGS_FOR_UPDATES_UNSPECIFIED";

export interface LoyaltyClass {
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

export interface LoyaltyObject {
  /** `<issuerId>.<suffix>`; see loyaltyObjectId(). */
  id: string;
  classId: string;
  state: ObjectState;
  accountId?: string;
  accountName?: string;
  barcode?: Barcode;
  loyaltyPoints?: LoyaltyPoints;
  textModulesData?: TextModuleData[];
  linksModuleData?: LinksModuleData;
  messages?: WalletMessage[];
}

export type LoyaltyObjectPatch = Partial<Omit<LoyaltyObject, "id" | "classId">>;

export interface LoyaltyObjectReference {
  id: string;
  classId: string;
}
