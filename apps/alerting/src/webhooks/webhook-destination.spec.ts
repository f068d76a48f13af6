import type { LookupAddress } from 'node:dns';
import { literalRefusal, publicOnlyLookup, registrationRefusal, type ResolveAll } from './webhook-destination';

const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
const unresolvable: ResolveAll = () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));

describe('literalRefusal', () => {
  it('refuses localhost and non-public IP literals without asking DNS, and leaves names to the lookup', () => {
    expect(literalRefusal('localhost')).toMatch(/this machine/);
    expect(literalRefusal('127.0.0.1')).toBe('127.0.0.1 is a loopback address, not a public one');
    expect(literalRefusal('[::1]')).toBe('::1 is a loopback address, not a public one');
    expect(literalRefusal('[::ffff:a00:1]')).toMatch(/private/);
    expect(literalRefusal('8.8.8.8')).toBeUndefined();
    expect(literalRefusal('hooks.example.com')).toBeUndefined();
  });
});

describe('registrationRefusal', () => {
  it('refuses a name when any of its addresses is not public', async () => {
    const url = new URL('https://hooks.example.com/cairn');
    expect(await registrationRefusal(url, resolvesTo('93.184.215.14'))).toBeUndefined();
    expect(await registrationRefusal(url, resolvesTo('93.184.215.14', '10.1.2.3'))).toBe(
      'hooks.example.com resolves to 10.1.2.3, a private address, not a public one',
    );
    expect(await registrationRefusal(url, resolvesTo('fe80::1'))).toMatch(/link-local/);
    expect(await registrationRefusal(url, unresolvable)).toBe('hooks.example.com does not resolve');
  });

  it('decides IP literals and localhost without DNS', async () => {
    const failIfAsked: ResolveAll = () => Promise.reject(new Error('DNS must not be asked'));
    expect(await registrationRefusal(new URL('http://169.254.169.254/latest'), failIfAsked)).toMatch(/link-local/);
    expect(await registrationRefusal(new URL('http://localhost:8080/'), failIfAsked)).toMatch(/this machine/);
    expect(await registrationRefusal(new URL('https://93.184.215.14/'), failIfAsked)).toBeUndefined();
  });
});

describe('publicOnlyLookup', () => {
  const lookup = (resolveAll: ResolveAll, hostname: string, all: boolean) =>
    new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      publicOnlyLookup(resolveAll)(hostname, { all }, (error, address, family) => resolve({ error, address, family })),
    );

  it('answers in the shape the caller asked for when every address is public', async () => {
    expect(await lookup(resolvesTo('93.184.215.14', '2606:2800::1'), 'example.com', false)).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect((await lookup(resolvesTo('93.184.215.14'), 'example.com', true)).address).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
  });

  it('fails the connection when the name now points at a private address (DNS rebinding)', async () => {
    const result = await lookup(resolvesTo('192.168.0.7'), 'rebound.example.com', false);
    expect(result.error?.message).toBe(
      'rebound.example.com resolves to 192.168.0.7, a private address, not a public one',
    );
  });

  it('passes DNS errors on', async () => {
    expect((await lookup(unresolvable, 'nowhere.example', false)).error?.message).toBe('ENOTFOUND');
  });
});
