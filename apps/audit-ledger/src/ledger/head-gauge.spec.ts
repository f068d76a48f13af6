import { Gauge, Registry } from 'prom-client';
import { collectHeads } from './head-gauge';
import type { OrgHeadSeq } from './ledger.repository';

describe('collectHeads', () => {
  let readHeads: () => Promise<readonly OrgHeadSeq[]>;
  let registry: Registry;

  beforeEach(() => {
    registry = new Registry();
    const collect = collectHeads(() => readHeads());
    new Gauge({
      name: 'cairn_ledger_head_seq',
      help: 'heads',
      labelNames: ['org'],
      registers: [registry],
      collect(this: Gauge<'org'>) {
        return collect(this);
      },
    });
  });

  const samples = async () =>
    (await registry.metrics()).split('\n').filter((line) => line.startsWith('cairn_ledger_head_seq'));
  const heads =
    (...seqs: [string, number][]) =>
    () =>
      Promise.resolve(seqs.map(([orgId, seq]) => ({ orgId, seq })));

  it("reports each organization's head as read at scrape time", async () => {
    readHeads = heads(['org-a', 12], ['org-b', 3]);
    expect(await samples()).toEqual(['cairn_ledger_head_seq{org="org-a"} 12', 'cairn_ledger_head_seq{org="org-b"} 3']);
    readHeads = heads(['org-a', 13], ['org-b', 3]);
    expect(await samples()).toEqual(['cairn_ledger_head_seq{org="org-a"} 13', 'cairn_ledger_head_seq{org="org-b"} 3']);
  });

  it('has no samples, and the scrape still succeeds, while Postgres cannot answer', async () => {
    readHeads = heads(['org-a', 12]);
    expect(await samples()).toHaveLength(1);
    readHeads = () => Promise.reject(new Error('connection refused'));
    expect(await samples()).toEqual([]);
  });
});
