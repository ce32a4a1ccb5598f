import { notFound, ValidationError } from "../errors.ts";
import { getLocation, getProgram } from "../merchants/directory.ts";
import { programView } from "../merchants/views.ts";
import { findCustomerIdByBarcode } from "../store/customers/contacts.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";

/** The customer behind a scanned barcode, with the program that will apply at this location. */
export async function scanCustomer(db: Db, merchantId: string, barcode: string, locationId: string) {
  const location = await getLocation(db, merchantId, locationId);
  if (!location) throw ValidationError.field("query.locationId", "no such location");
  const [customerId, program] = await Promise.all([
    findCustomerIdByBarcode(db, merchantId, barcode),
    getProgram(db, merchantId, location.programId),
  ]);
  const customer = customerId ? await readCustomer(db, merchantId, customerId) : undefined;
  if (!customer) throw notFound("Customer");
  if (!program) throw new Error(`location ${location.id} points to a missing program`);
  return {
    customer: { id: customer.id, name: customer.name },
    balance: customer.balance,
    location: { id: location.id, name: location.name },
    program: programView(program),
  };
}
