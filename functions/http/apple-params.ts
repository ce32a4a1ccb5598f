import * as z from "zod";

/**
 * Path parameters of Apple's PassKit web service. They become parts of table keys, so only the
 * characters Apple's identifiers use are accepted (device ids are hex, pass types reverse-DNS).
 */
const identifier = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "is not a valid identifier");

export const DevicePath = z.object({ deviceLibraryIdentifier: identifier, passTypeIdentifier: identifier });
export const RegistrationPath = DevicePath.extend({ serialNumber: identifier });
export const PassPath = z.object({ passTypeIdentifier: identifier, serialNumber: identifier });
