import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from './verify-export-cli';

const repoRoot = path.resolve(__dirname, '../../..');
const goldenExport = path.join(__dirname, '../testdata/golden/export.ndjson');
const goldenText = readFileSync(goldenExport, 'utf8');

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'ledger-cli-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function exportFile(name: string, text: string): string {
  const file = path.join(workDir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs main() in-process, capturing what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const summaries = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('verify-export CLI', () => {
  it('exits 0 and prints one summary per organization for an intact export', async () => {
    const { code, stdout, stderr } = await run([goldenExport]);
    expect(code).toBe(0);
    expect(summaries(stdout).map(({ orgId, ok, entries, anchor }) => ({ orgId, ok, entries, anchor }))).toEqual([
      { orgId: 'org-acme', ok: true, entries: 6, anchor: 'genesis' },
      { orgId: 'org-café-日本', ok: true, entries: 6, anchor: 'genesis' },
    ]);
    expect(stderr).toBe('');
  });

  it('exits 1 and names organization, seq and line when an entry was changed', async () => {
    const lines = goldenText.split('\n');
    lines[3] = lines[3]?.replace('"keyHash":"sha256:ab', '"keyHash":"sha256:ac') ?? ''; // org-café-日本 seq 2
    const { code, stdout, stderr } = await run([exportFile('tampered.ndjson', lines.join('\n'))]);
    expect(code).toBe(1);
    expect(summaries(stdout)[1]).toMatchObject({ ok: false, failure: { seq: 2, line: 4 } });
    expect(stderr).toMatch(/^FAILED org-café-日本: seq 2 \(line 4\): hash mismatch/m);
  });

  it('says when a range starts mid-chain and its first prevHash is trusted', async () => {
    const tail = goldenText.split('\n').slice(6).join('\n'); // seq 4..6 of both organizations
    const { code, stdout, stderr } = await run([exportFile('tail.ndjson', tail)]);
    expect(code).toBe(0);
    expect(summaries(stdout)[0]).toMatchObject({ anchor: 'trusted-prev-hash', firstSeq: 4, entries: 3 });
    expect(stderr).toContain('note: org-acme starts at seq 4; its first prevHash');
    expect(stderr).toContain('is trusted, not verified');
  });

  it('exits 2 on usage errors, unreadable files and malformed lines', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['a', 'b'])).code).toBe(2);
    const missing = await run([path.join(workDir, 'missing.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const malformed = await run([exportFile('bad.ndjson', `${goldenText}{"orgId":"org-acme","seq":7}\n`)]);
    expect(malformed).toMatchObject({ code: 2, stderr: 'verify-export: line 13: missing member "eventId"\n' });
  });

  it('runs as a script, reading standard input for -', () => {
    const script = path.join(__dirname, 'verify-export-cli.ts');
    const spawn = (input: string) =>
      spawnSync(process.execPath, ['-r', './tools/register.cjs', script, '-'], {
        cwd: repoRoot,
        input,
        encoding: 'utf8',
      });
    const intact = spawn(goldenText);
    expect(intact.status).toBe(0);
    expect(intact.stdout.trim().split('\n')).toHaveLength(2);
    // Drop org-acme seq 3 (line 5): its seq 4, now on line 6, is where the chain breaks.
    const dropped = spawn(goldenText.split('\n').toSpliced(4, 1).join('\n'));
    expect(dropped.status).toBe(1);
    expect(dropped.stderr).toContain('FAILED org-acme: seq 3 (line 6): seq gap: expected 3, got 4');
  }, 30_000);
});
