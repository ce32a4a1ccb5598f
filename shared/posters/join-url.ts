/**
 * The join page of a merchant, for customers who join at one of its locations (the page records where):
 * `<public base URL>/join/<merchantId>?location=<locationId>`, the URL the counter poster's QR code holds.
 */
export function joinUrl(publicBaseUrl: string, merchantId: string, locationId: string): string {
  const query = new URLSearchParams({ location: locationId });
  return `${publicBaseUrl.replace(/\/+$/, "")}/join/${encodeURIComponent(merchantId)}?${query}`;
}
