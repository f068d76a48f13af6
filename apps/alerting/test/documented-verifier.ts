// Runs the receiver-side check exactly as apps/alerting/README.md documents it, so the tests prove
// that what receivers are told to do accepts Cairn's deliveries and refuses tampered ones.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';

type Verifier = (rawBody: string, header: string, secret: string, nowMs?: number) => boolean;

const SNIPPET = /<!-- receiver-check:start -->\s*```js\n([\s\S]*?)```\s*<!-- receiver-check:end -->/;

function loadVerifier(): Verifier {
  const readme = readFileSync(path.join(__dirname, '../README.md'), 'utf8');
  const code = SNIPPET.exec(readme)?.[1];
  if (code === undefined) throw new Error('apps/alerting/README.md lost its receiver-check snippet');
  return runInNewContext(`${code}\nverifyCairnSignature;`, { require, Buffer }) as Verifier;
}

let verifier: Verifier | undefined;

export function verifyWithDocumentedSnippet(rawBody: string, header: string, secret: string, nowMs?: number): boolean {
  verifier ??= loadVerifier();
  return verifier(rawBody, header, secret, nowMs);
}
