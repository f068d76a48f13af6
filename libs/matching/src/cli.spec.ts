import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function runCli(input: string, args: string[] = []): { status: number | null; lines: unknown[]; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', './tools/register.cjs', 'libs/matching/src/cli.ts', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
  });
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown);
  return { status: result.status, lines, stderr: result.stderr };
}

describe('cli', () => {
  it('answers each JSON line in order, reports bad lines, and exits 1 when any failed', () => {
    const good = JSON.stringify({ id: 'g', output: 'nothing shared', vectors: [{ id: 'v', content: 'at all' }] });
    const { status, lines, stderr } = runCli(`${good}\n{oops\n\n${good}\n`);
    expect(lines).toEqual([
      { id: 'g', citations: [] },
      { error: expect.stringMatching(/invalid JSON/) as unknown },
      { id: 'g', citations: [] },
    ]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/1 line\(s\) failed/);
  });

  it('exits 0 when every line succeeds and 2 on a bad --config', () => {
    expect(runCli(JSON.stringify({ id: 1, output: '', vectors: [] })).status).toBe(0);
    expect(runCli('', ['--config', '{"nope": 1}']).status).toBe(2);
  });
});
