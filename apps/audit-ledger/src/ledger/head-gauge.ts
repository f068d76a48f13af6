import type { Gauge } from 'prom-client';
import type { OrgHeadSeq } from './ledger.repository';

/**
 * The scrape-time collector of `cairn_ledger_head_seq{org}`: one sample per organization, read from
 * `ledger.heads` (a row per organization, never the entries). While Postgres cannot answer, the gauge
 * has no samples — a gap in the series, never a failed scrape.
 */
export function collectHeads(readHeads: () => Promise<readonly OrgHeadSeq[]>): (gauge: Gauge<'org'>) => Promise<void> {
  return async (gauge) => {
    const heads = await readHeads().catch(() => []);
    gauge.reset();
    for (const { orgId, seq } of heads) gauge.set({ org: orgId }, seq);
  };
}
