import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ValidationError } from "../errors.ts";

/**
 * SSRF: a merchant's webhook URL must never make this service call into its own network, the cloud's
 * metadata service or anything else not on the public internet. The host is resolved, every address is
 * checked, and the request then goes to the address checked (./http-sender.ts pins it), so a name that
 * resolves elsewhere a moment later (DNS rebinding) cannot move the request.
 */

/** What a webhook may reach. `allowLoopback`: the local stack, whose receivers are on this machine. */
export interface TargetPolicy {
  allowLoopback: boolean;
}

/** Resolves a host name to every address it has (`dns.lookup` with `all`); injected in tests. */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Not on the public internet: private, shared, link-local (the metadata service), reserved, multicast… */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local, 169.254.169.254 among them
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relays
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast among them
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["64:ff9b::", 96], // NAT64: would reach any IPv4 address, private ones too
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo among them)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds an IPv4 address
  ["fc00::", 7], // unique local (the metadata service's fd00:ec2::254 among them)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for, if it is one. */
function mappedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups || groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) return undefined;
  const [high = 0, low = 0] = groups.slice(6);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.split("%")[0] ?? "";
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  const missing = 8 - front.length - back.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...front, ...new Array<number>(missing).fill(0), ...back];
}

/** Why an address may not be called, or undefined when it may. */
export function forbiddenAddress(address: string, policy: TargetPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return "is not an IP address";
  if (family === 6) {
    const v4 = mappedIpv4(address);
    if (v4) return forbiddenAddress(v4, policy);
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  if (LOOPBACK.check(address, type)) return policy.allowLoopback ? undefined : "is a loopback address";
  if (NOT_PUBLIC.check(address, type)) return "is not a public internet address";
  return undefined;
}

/** A URL whose host was resolved and checked: the address the request must connect to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** The refusal of a target, for the registration's 400 or a delivery's recorded error. */
export class UnsafeTarget extends Error {
  override readonly name = "UnsafeTarget";
}

export const MAX_URL_LENGTH = 2048;

/** The URL's own rules, before any resolution: https (http to loopback only locally), no credentials. */
export function checkUrlShape(text: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeTarget("is not a valid URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowLoopback)) {
    throw new UnsafeTarget("must be an https URL");
  }
  if (url.username || url.password) throw new UnsafeTarget("must not carry a user name or password");
  if (url.hash) throw new UnsafeTarget("must not have a fragment");
  return url;
}

/**
 * Resolves the URL's host and checks every address it has: one forbidden address refuses the URL (a
 * resolver may hand out any of them). Plain http is for loopback only, locally.
 */
export async function checkTarget(
  text: string,
  policy: TargetPolicy,
  resolve: Resolver,
): Promise<CheckedTarget> {
  const url = checkUrlShape(text, policy);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: readonly { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  } catch {
    throw new UnsafeTarget("has a host name that does not resolve");
  }
  const first = addresses[0];
  if (!first) throw new UnsafeTarget("has a host name that does not resolve");
  for (const { address } of addresses) {
    const why = forbiddenAddress(address, policy);
    if (why) throw new UnsafeTarget(`resolves to ${address}, which ${why}`);
  }
  if (url.protocol === "http:" && !addresses.every(({ address }) => isLoopback(address))) {
    throw new UnsafeTarget("must be an https URL");
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

const isLoopback = (address: string) => {
  const v4 = isIP(address) === 6 ? mappedIpv4(address) : undefined;
  const checked = v4 ?? address;
  return LOOPBACK.check(checked, isIP(checked) === 6 ? "ipv6" : "ipv4");
};

/** The registration's check: an unsafe URL is a 400 naming the field. */
export async function requireSafeUrl(
  text: string,
  policy: TargetPolicy,
  resolve: Resolver,
  field = "url",
): Promise<void> {
  try {
    await checkTarget(text, policy, resolve);
  } catch (error) {
    if (error instanceof UnsafeTarget) throw ValidationError.field(field, error.message);
    throw error;
  }
}
