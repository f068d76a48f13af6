/**
 * Which IP addresses a webhook may be delivered to. A webhook URL is chosen by a tenant, so
 * without this check a delivery could reach the service's own loopback, the cluster network or a
 * cloud metadata endpoint (169.254.169.254). Only globally routable unicast addresses pass.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  | 'invalid';

interface Range {
  base: bigint;
  bits: number;
  width: 32 | 128;
  kind: Exclude<AddressClass, 'public' | 'invalid'>;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** Dotted-quad only; leading zeros are refused because some resolvers read them as octal. */
function parseIPv4(text: string): bigint | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  let value = 0n;
  for (const octet of match.slice(1)) {
    if (octet.length > 1 && octet.startsWith('0')) return undefined;
    const number = Number(octet);
    if (number > 255) return undefined;
    value = (value << 8n) | BigInt(number);
  }
  return value;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.every((group) => HEX_GROUP.test(group)) ? groups.map((group) => parseInt(group, 16)) : undefined;
}

/** RFC 4291 text forms: `::` compression, a trailing dotted IPv4, an optional zone (`%eth0`) and brackets. */
function parseIPv6(text: string): bigint | undefined {
  let body = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  let embedded: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    const ipv4 = parseIPv4(body.slice(lastColon + 1));
    if (ipv4 === undefined) return undefined;
    embedded = [Number(ipv4 >> 16n), Number(ipv4 & 0xffffn)];
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const explicit = head.length + tail.length + embedded.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail, ...embedded];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function range(cidr: string, kind: Range['kind']): Range {
  const [address = '', bits = ''] = cidr.split('/');
  const ipv4 = parseIPv4(address);
  const base = ipv4 ?? parseIPv6(address);
  if (base === undefined) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits), width: ipv4 === undefined ? 128 : 32, kind };
}

function contains({ base, bits, width }: Range, value: bigint): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === base >> shift;
}

// IANA's special-purpose registries: none of these is a place to send a tenant's webhook.
const IPV4_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'private'),
  range('100::/64', 'reserved'),
  range('2001::/23', 'reserved'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'reserved'),
  range('fc00::/7', 'private'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'),
  range('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = range('2000::/3', 'reserved');
const IPV4_MAPPED = range('::ffff:0:0/96', 'reserved');
const NAT64 = range('64:ff9b::/96', 'reserved');
const SIX_TO_FOUR = range('2002::/16', 'reserved');

function classifyIPv4(value: bigint): AddressClass {
  return IPV4_RANGES.find((candidate) => contains(candidate, value))?.kind ?? 'public';
}

function classifyIPv6(value: bigint): AddressClass {
  // These forms carry an IPv4 address that is what the packet finally reaches.
  if (contains(IPV4_MAPPED, value) || contains(NAT64, value)) return classifyIPv4(value & 0xffffffffn);
  if (contains(SIX_TO_FOUR, value)) return classifyIPv4((value >> 80n) & 0xffffffffn);
  const special = IPV6_RANGES.find((candidate) => contains(candidate, value));
  if (special) return special.kind;
  return contains(GLOBAL_UNICAST, value) ? 'public' : 'reserved';
}

/** What kind of address `address` (IPv4 or IPv6 text, as DNS or a URL gives it) is. */
export function classifyAddress(address: string): AddressClass {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== undefined) return classifyIPv4(ipv4);
  const ipv6 = parseIPv6(address);
  return ipv6 === undefined ? 'invalid' : classifyIPv6(ipv6);
}

/** Whether `text` is an IP literal rather than a name to resolve. */
export function isIpLiteral(text: string): boolean {
  return parseIPv4(text) !== undefined || parseIPv6(text) !== undefined;
}

/** `localhost` and `*.localhost` always mean this machine (RFC 6761), whatever DNS says. */
export function isLocalHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
