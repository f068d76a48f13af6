import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { classifyAddress, isIpLiteral, isLocalHostname } from '../domain/address-guard';

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

function refusalOfAddresses(hostname: string, addresses: readonly string[]): string | undefined {
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind !== 'public') {
      return address === bare(hostname)
        ? `${address} is a ${kind} address, not a public one`
        : `${hostname} resolves to ${address}, a ${kind} address, not a public one`;
    }
  }
  return undefined;
}

/**
 * Why a host that needs no DNS answer (an IP literal or `localhost`) may not receive webhooks, or
 * undefined. Connections to IP literals skip the lookup hook below, so the sender checks these first.
 */
export function literalRefusal(hostname: string): string | undefined {
  if (isLocalHostname(hostname)) return `${hostname} is this machine, not a public host`;
  return isIpLiteral(hostname) ? refusalOfAddresses(hostname, [bare(hostname)]) : undefined;
}

export type ResolveAll = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

const resolveWithDns: ResolveAll = (hostname, options) => lookupAll(hostname, { ...options, all: true });

/** Why a webhook URL may not be registered: a host that is, or resolves to, a non-public address. */
export async function registrationRefusal(
  url: URL,
  resolveAll: ResolveAll = resolveWithDns,
): Promise<string | undefined> {
  if (isLocalHostname(url.hostname) || isIpLiteral(url.hostname)) return literalRefusal(url.hostname);
  let addresses: string[];
  try {
    addresses = (await resolveAll(url.hostname, {})).map((entry) => entry.address);
  } catch {
    return `${url.hostname} does not resolve`;
  }
  return refusalOfAddresses(url.hostname, addresses);
}

/**
 * A DNS lookup for outgoing deliveries that fails when any address of the host is not public. It
 * runs at connect time, on the very answer the socket then uses, so a name re-pointed at a private
 * address after registration (DNS rebinding) is refused too.
 */
export function publicOnlyLookup(resolveAll: ResolveAll = resolveWithDns): LookupFunction {
  return (hostname, options, callback) => {
    const local = literalRefusal(hostname);
    if (local !== undefined) return callback(new Error(local), '');
    resolveAll(hostname, options).then(
      (addresses) => {
        const refusal = refusalOfAddresses(
          hostname,
          addresses.map((entry) => entry.address),
        );
        const [first] = addresses;
        if (refusal !== undefined) callback(new Error(refusal), '');
        else if (!first) callback(new Error(`${hostname} has no address`), '');
        else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
