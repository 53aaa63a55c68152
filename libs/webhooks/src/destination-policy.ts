import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not be sent to: loopback, private, link-local, shared (CGNAT),
 * multicast, reserved and unspecified ranges, IPv4 and IPv6. Guards the service's own network
 * against a tenant who registers http://10.0.0.5/ or a name that resolves to it (SSRF).
 */
const DENIED: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

export class RefusedDestinationError extends Error {
  readonly code = 'destination_refused';
  constructor(readonly address: string) {
    super(`destination ${address} is a private, loopback or link-local address`);
  }
}

export class DestinationPolicy {
  private readonly denied = new BlockList();
  private readonly allowed = new BlockList();

  /** @param allowedNetworks CIDR blocks allowed despite the above (WEBHOOK_ALLOWED_NETWORKS). */
  constructor(allowedNetworks: string[] = []) {
    for (const [net, prefix, type] of DENIED) this.denied.addSubnet(net, prefix, type);
    for (const cidr of allowedNetworks) {
      const [net, prefix] = cidr.split('/');
      this.allowed.addSubnet(net, Number(prefix), isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** May a webhook be sent to this IP address? */
  permits(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = mapped ? mapped[1] : address;
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(ip) === 0) return false;
    if (this.allowed.check(ip, type)) return true;
    return !this.denied.check(ip, type);
  }

  /**
   * Resolves a URL's host and checks every address (registration time). Throws
   * RefusedDestinationError, or the DNS error when the name does not resolve.
   */
  async assertPermitted(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : await new Promise<string[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (error, found) =>
            error ? reject(error) : resolve(found.map((a) => a.address)),
          ),
        );
    const refused = addresses.find((a) => !this.permits(a));
    if (refused) throw new RefusedDestinationError(refused);
  }

  /**
   * A `lookup` for http.request: resolves, then refuses the connection when any address is
   * denied, so a name that changes to a private address after registration (DNS rebinding) is
   * caught at connect time, on the address actually used.
   */
  readonly lookup = (
    hostname: string,
    options: { family?: number; all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, found) => {
      if (error) return callback(error, '');
      const refused = found.find((a) => !this.permits(a.address));
      if (refused) return callback(new RefusedDestinationError(refused.address), '');
      if (options.all) return callback(null, found);
      callback(null, found[0].address, found[0].family);
    });
  };
}
