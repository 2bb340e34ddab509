import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook may not reach unless the operator allows private networks (SSRF): an admin's URL must not
 * turn the service into a way into its own network, its cloud metadata service or itself.
 */
const forbiddenV4 = new BlockList();
// Apart: Node matches IPv4 addresses against IPv6 rules as if mapped, so one list would refuse every IPv4 address.
const forbiddenV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  forbiddenV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, and IPv4-compatible (::a.b.c.d, deprecated): may reach any IPv4 address
  ['64:ff9b::', 96], // NAT64: likewise
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard-only
  ['2002::', 16], // 6to4: embeds an IPv4 address, private ones included
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const) {
  forbiddenV6.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is private, loopback, link-local, CGNAT, unspecified, multicast or mapped. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return forbiddenV4.check(address, 'ipv4');
  // IPv4-mapped (::ffff:a.b.c.d) would reach any IPv4 address, private ones included: refused whatever it maps to.
  if (new URL(`http://[${address}]/`).hostname.startsWith('[::ffff:')) return true;
  return forbiddenV6.check(address, 'ipv6');
}

/** The reason a webhook URL is refused, or undefined when it may be used (checked at registration). */
export function refusedUrl(raw: string, allowPrivateNetworks: boolean): string | undefined {
  if (!URL.canParse(raw)) return 'must be an absolute http or https URL';
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (allowPrivateNetworks) return undefined;
  // A trailing dot is the same name, fully qualified: `localhost.` is still this machine.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host) !== 0 && isForbiddenAddress(host)) return `points at a private, loopback or link-local address (${host})`;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'points at this machine (localhost)';
  return undefined;
}

/** Thrown (through the connection) when a host name resolves to an address webhooks may not reach. */
export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
}

/**
 * A DNS lookup for http.request that refuses forbidden addresses. The connection goes to the very address checked
 * here, so a name that resolves to a public address now and a private one a moment later (DNS rebinding) cannot slip
 * through. Any forbidden address among a name's answers refuses the name.
 */
export function guardedLookup(allowPrivateNetworks: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = allowPrivateNetworks ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(new ForbiddenAddressError(`${hostname} resolves to a forbidden address (${bad.address})`), '', 0);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}
