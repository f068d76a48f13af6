import { generateApiKey, hashApiKey, keyMatches, keyPrefix, parseScopes, presentedKey } from './api-key';

describe('API keys', () => {
  it('generates keys whose prefix and hash are derived from the key', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^ck_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(generated.key.startsWith(`${generated.prefix}_`)).toBe(true);
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generateApiKey().key).not.toBe(generated.key);
  });

  it('derives a stable prefix for keys not in Cairn format', () => {
    expect(keyPrefix('my-dev-key')).toBe(keyPrefix('my-dev-key'));
    expect(keyPrefix('my-dev-key')).toMatch(/^ck_h[0-9a-f]{11}$/);
    expect(keyPrefix('my-dev-key')).not.toBe(keyPrefix('my-dev-kez'));
  });

  it('matches a key only against its own hash', () => {
    const { key, hash } = generateApiKey();
    expect(keyMatches(key, hash)).toBe(true);
    expect(keyMatches(`${key}x`, hash)).toBe(false);
    expect(keyMatches(key, 'not-hex')).toBe(false);
  });

  it('reads Bearer and x-api-key headers', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer  abc ' })).toBe('abc');
    expect(presentedKey({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });

  it('parses scopes and refuses unknown ones', () => {
    expect(parseScopes('ingest, read,ingest')).toEqual(['ingest', 'read']);
    expect(() => parseScopes('ingest,root')).toThrow(/subset of ingest, read, admin/);
    expect(() => parseScopes('')).toThrow();
  });
});
