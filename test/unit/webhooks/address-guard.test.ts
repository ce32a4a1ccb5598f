import { describe, expect, it } from "vitest";
import {
  checkTarget,
  forbiddenAddress,
  type Resolver,
  requireSafeUrl,
  UnsafeTarget,
} from "../../../shared/webhooks/address-guard.ts";

/** SSRF: what a webhook URL may reach, at registration and at every delivery. */

const ON_AWS = { allowLoopback: false };
const LOCAL = { allowLoopback: true };
const resolvingTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("forbiddenAddress", () => {
  it.each([
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.10",
    "169.254.169.254", // the instance metadata service
    "169.254.0.1",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "fc00::1",
    "fd00:ec2::254", // the metadata service over IPv6
    "fdff:ffff::1",
    "fe80::1",
    "febf::1",
    "::",
    "::ffff:10.0.0.1", // IPv4-mapped private address
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1", // NAT64 of 10.0.0.1
  ])("refuses %s everywhere", (address) => {
    expect(forbiddenAddress(address, ON_AWS)).toBeDefined();
    expect(forbiddenAddress(address, LOCAL)).toBeDefined();
  });

  it.each(["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"])(
    "refuses loopback %s unless running locally",
    (address) => {
      expect(forbiddenAddress(address, ON_AWS)).toMatch(/loopback/);
      expect(forbiddenAddress(address, LOCAL)).toBeUndefined();
    },
  );

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "lets public %s through",
    (address) => {
      expect(forbiddenAddress(address, ON_AWS)).toBeUndefined();
    },
  );
});

describe("checkTarget", () => {
  const publicHost = resolvingTo("93.184.215.14");

  it("refuses plain http on AWS, and locally anywhere but loopback", async () => {
    await expect(checkTarget("http://example.com/hook", ON_AWS, publicHost)).rejects.toThrow(/https/);
    await expect(checkTarget("http://example.com/hook", LOCAL, publicHost)).rejects.toThrow(/https/);
    await expect(checkTarget("http://127.0.0.1:8080/hook", LOCAL, publicHost)).resolves.toMatchObject({
      address: "127.0.0.1",
    });
  });

  it("refuses a host name that resolves to a private address, checking every address it has", async () => {
    await expect(
      checkTarget("https://hooks.example.com/x", ON_AWS, resolvingTo("192.168.0.5")),
    ).rejects.toThrow(/192\.168\.0\.5/);
    // One bad address among good ones is enough: the resolver could hand out any of them.
    await expect(
      checkTarget("https://hooks.example.com/x", ON_AWS, resolvingTo("93.184.215.14", "10.1.2.3")),
    ).rejects.toThrow(UnsafeTarget);
  });

  it("refuses IP literals in the URL as it refuses resolved addresses", async () => {
    for (const url of [
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.1/",
      "https://[::1]/",
      "https://[fe80::1]/",
      "https://127.0.0.1/",
    ]) {
      await expect(checkTarget(url, ON_AWS, publicHost), url).rejects.toThrow(UnsafeTarget);
    }
  });

  it("refuses credentials in the URL, fragments, unresolvable names and other schemes", async () => {
    await expect(checkTarget("https://user:pw@example.com/", ON_AWS, publicHost)).rejects.toThrow(/user/);
    await expect(checkTarget("https://example.com/#x", ON_AWS, publicHost)).rejects.toThrow(/fragment/);
    await expect(checkTarget("ftp://example.com/", ON_AWS, publicHost)).rejects.toThrow(/https/);
    const failing: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(checkTarget("https://nowhere.invalid/", ON_AWS, failing)).rejects.toThrow(/resolve/);
  });

  it("hands back the address it checked, for the connection to be pinned to", async () => {
    await expect(checkTarget("https://hooks.example.com/x", ON_AWS, publicHost)).resolves.toMatchObject({
      address: "93.184.215.14",
      family: 4,
    });
  });

  it("is a 400 naming the field at registration", async () => {
    await expect(
      requireSafeUrl("https://hooks.example.com/x", ON_AWS, resolvingTo("10.0.0.8")),
    ).rejects.toMatchObject({ kind: "validation", fields: [{ field: "url" }] });
  });
});
