import { classifyAddress, isIpLiteral, isLocalHostname, type AddressClass } from './address-guard';

describe('classifyAddress', () => {
  const cases: [string, AddressClass][] = [
    // IPv4
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.168.1.10', 'private'],
    ['192.169.0.1', 'public'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.128.0.1', 'public'],
    ['192.0.2.5', 'documentation'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:4860:4860::8888', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2001::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:c0a8:0101::1', 'private'],
    ['2002:0808:0808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['1000::1', 'reserved'],
    // Not addresses at all
    ['localhost', 'invalid'],
    ['256.0.0.1', 'invalid'],
    ['010.0.0.1', 'invalid'],
    ['1.2.3', 'invalid'],
    ['1::2::3', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1:2:3:4:5:6:7', 'invalid'],
    ['12345::1', 'invalid'],
    ['::ffff:1.2.3.256', 'invalid'],
  ];

  it.each(cases)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('isIpLiteral', () => {
  it('tells IP literals from host names', () => {
    expect([isIpLiteral('10.0.0.1'), isIpLiteral('[::1]'), isIpLiteral('fe80::1'), isIpLiteral('example.com')]).toEqual(
      [true, true, true, false],
    );
  });
});

describe('isLocalHostname', () => {
  it('refuses localhost and its subdomains, in any case, with or without the root dot', () => {
    expect(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost'].map(isLocalHostname)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['localhost.example.com', 'mylocalhost', 'example.com'].map(isLocalHostname)).toEqual([false, false, false]);
  });
});
