import { verifyWithDocumentedSnippet } from '../../test/documented-verifier';
import { signatureHeader } from './signature';

describe('signatureHeader', () => {
  const body = '{"hello":"world"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    // Computed independently: printf '1700000000.{"hello":"world"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureHeader('whsec_test', 1_700_000_000, body)).toBe(
      't=1700000000,v1=f592bbf3951cfc94e560eecfb5d9dd4da6b0fff2e626235f8ab4b54860925d0b',
    );
  });

  it("passes the README's receiver check, which refuses a tampered body, signature, secret or an old timestamp", () => {
    const now = 1_700_000_000;
    const header = signatureHeader('whsec_test', now, body);
    const check = (rawBody: string, signature: string, secret: string, nowSeconds = now) =>
      verifyWithDocumentedSnippet(rawBody, signature, secret, nowSeconds * 1000);
    expect(check(body, header, 'whsec_test')).toBe(true);
    expect(check(body, header, 'whsec_test', now + 299)).toBe(true);
    expect(check('{"hello":"World"}', header, 'whsec_test')).toBe(false);
    expect(
      check(
        body,
        header.replace(/.$/, (last) => (last === '0' ? '1' : '0')),
        'whsec_test',
      ),
    ).toBe(false);
    expect(check(body, header, 'whsec_other')).toBe(false);
    expect(check(body, header, 'whsec_test', now + 301)).toBe(false);
    expect(check(body, `t=${now + 1},${header.split(',')[1]}`, 'whsec_test')).toBe(false);
    expect(check(body, 'garbage', 'whsec_test')).toBe(false);
  });
});
