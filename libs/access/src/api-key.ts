import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SCOPES, type Scope } from '@cairn/contracts';

/**
 * Keys look like `ck_<public id>_<secret>`. The `ck_<public id>` prefix is how a key is looked
 * up and shown to people; only the SHA-256 of the whole key is stored. Keys are 256-bit random,
 * so a fast hash is enough (no password-style stretching is needed against guessing).
 */
const GENERATED_KEY = /^(ck_[A-Za-z0-9]{12})_[A-Za-z0-9_-]{43}$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedKey {
  const publicId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const key = `ck_${publicId}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: keyPrefix(key), hash: hashApiKey(key) };
}

/**
 * The lookup prefix of a key. Keys in Cairn's own format carry it; any other string (such as a
 * `CAIRN_DEV_API_KEY` chosen by a developer) gets one derived from its hash.
 */
export function keyPrefix(key: string): string {
  return GENERATED_KEY.exec(key)?.[1] ?? `ck_h${hashApiKey(key).slice(0, 11)}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key against a stored hash. */
export function keyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** Reads the key from `Authorization: Bearer <key>` or `x-api-key: <key>` (as Parea sends). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
}

export function parseScopes(value: string): Scope[] {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new Error(`scopes must be a comma-separated subset of ${SCOPES.join(', ')}; got "${value}"`);
  }
  return [...new Set(scopes)] as Scope[];
}
