import { Inject, Injectable } from '@nestjs/common';
import type { ChainHead } from '@cairn/ledger';
import type { Pool, PoolClient } from '@cairn/pg';
import { PG_POOL } from '@cairn/service-kit';
import { chainStart, type StoredEntry } from '../domain/chain-append';
import type { HashedRow, StoredRow } from '../domain/chain-verification';
import { ENTRY_COLUMNS, toStoredRow, type EntryRecord } from './entry-record';

/** Channel the writer notifies on commit, so the projector need not wait for its next poll. */
export const APPENDED_CHANNEL = 'ledger_appended';

export interface OrgEntry {
  orgId: string;
  entry: StoredEntry;
  /** The source event's, for the entry's public copy on `cairn.ledger.v1`. */
  correlationId: string | null;
}

export interface OrgHeadSeq {
  orgId: string;
  seq: number;
}

const toHead = (seq: string | number, hash: string): ChainHead | null =>
  Number(seq) === 0 ? null : { seq: Number(seq), hash };

/** SQL for `ledger.entries` and `ledger.heads`. */
@Injectable()
export class LedgerRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Locks the heads of these chains for the transaction, creating empty ones (seq 0, the genesis hash).
   * Rows are locked in org id order, so transactions appending to overlapping sets of chains (one
   * organization's events come from several topics) wait for each other instead of deadlocking.
   */
  async lockHeads(client: PoolClient, orgIds: readonly string[]): Promise<Map<string, ChainHead | null>> {
    const sorted = [...new Set(orgIds)].sort();
    const heads = await this.selectHeadsForUpdate(client, sorted);
    const missing = sorted.filter((orgId) => !heads.has(orgId));
    if (missing.length > 0) {
      await client.query(
        `INSERT INTO ledger.heads (org_id, seq, hash)
         SELECT org_id, 0, hash FROM unnest($1::text[], $2::text[]) AS h(org_id, hash) ORDER BY org_id
         ON CONFLICT (org_id) DO NOTHING`,
        [missing, missing.map((orgId) => chainStart(orgId, null).hash)],
      );
      for (const [orgId, head] of await this.selectHeadsForUpdate(client, missing)) heads.set(orgId, head);
    }
    return heads;
  }

  private async selectHeadsForUpdate(client: PoolClient, sortedOrgIds: string[]) {
    const { rows } = await client.query<{ org_id: string; seq: string; hash: string }>(
      'SELECT org_id, seq, hash FROM ledger.heads WHERE org_id = ANY($1::text[]) ORDER BY org_id FOR UPDATE',
      [sortedOrgIds],
    );
    return new Map(rows.map((row) => [row.org_id, toHead(row.seq, row.hash)]));
  }

  /** Which of these (organization, event id) pairs the ledger already holds. */
  async presentEventIds(
    client: PoolClient,
    keys: readonly { orgId: string; eventId: string }[],
  ): Promise<Map<string, Set<string>>> {
    const { rows } = await client.query<{ org_id: string; event_id: string }>(
      `SELECT e.org_id, e.event_id FROM ledger.entries e
       JOIN unnest($1::text[], $2::text[]) AS k(org_id, event_id) USING (org_id, event_id)`,
      [keys.map((key) => key.orgId), keys.map((key) => key.eventId)],
    );
    const present = new Map<string, Set<string>>();
    for (const row of rows) {
      let ids = present.get(row.org_id);
      if (ids === undefined) present.set(row.org_id, (ids = new Set()));
      ids.add(row.event_id);
    }
    return present;
  }

  /**
   * Appends entries (of any chains whose heads this transaction holds), moves those heads on and wakes
   * the projector and the publisher once the transaction commits, in one statement: the heads stay
   * locked for one round trip, not three. The canonical texts travel as one text, a line each, rather
   * than as a text[] literal whose elements pg escapes in JavaScript (tens of µs for a text full of
   * quotes): RFC 8785 output never holds a raw line feed.
   */
  async appendEntries(
    client: PoolClient,
    rows: readonly OrgEntry[],
    heads: ReadonlyMap<string, ChainHead>,
  ): Promise<void> {
    const canonicals = rows.map(({ entry }) => entry.canonical).join('\n');
    let lines = 1;
    for (let at = canonicals.indexOf('\n'); at !== -1; at = canonicals.indexOf('\n', at + 1)) lines += 1;
    // A text holding a line feed would shift every later one onto the wrong row: refuse, never guess.
    if (lines !== rows.length) throw new Error('a canonical entry holds a line feed');
    const orgIds = [...heads.keys()];
    await client.query(
      `WITH appended AS (
         INSERT INTO ledger.entries (org_id, seq, event_id, type, occurred_at, canonical, prev_hash, hash, correlation_id)
         SELECT e.org_id, e.seq, e.event_id, e.type, e.occurred_at, c.canonical, e.prev_hash, e.hash, e.correlation_id
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           WITH ORDINALITY AS e(org_id, seq, event_id, type, occurred_at, prev_hash, hash, correlation_id, n)
         JOIN string_to_table($9::text, E'\\n') WITH ORDINALITY AS c(canonical, n) USING (n)
       ), advanced AS (
         UPDATE ledger.heads h SET seq = v.seq, hash = v.hash
         FROM unnest($10::text[], $11::bigint[], $12::text[]) AS v(org_id, seq, hash) WHERE h.org_id = v.org_id
       )
       SELECT pg_notify('${APPENDED_CHANNEL}', '')`,
      [
        rows.map(({ orgId }) => orgId),
        rows.map(({ entry }) => entry.seq),
        rows.map(({ entry }) => entry.eventId),
        rows.map(({ entry }) => entry.type),
        rows.map(({ entry }) => entry.occurredAt),
        rows.map(({ entry }) => entry.prevHash),
        rows.map(({ entry }) => entry.hash),
        rows.map(({ correlationId }) => correlationId),
        canonicals,
        orgIds,
        orgIds.map((orgId) => heads.get(orgId)!.seq),
        orgIds.map((orgId) => heads.get(orgId)!.hash),
      ],
    );
  }

  /** The recorded head of a chain; null when the organization has no entries. */
  async head(orgId: string): Promise<ChainHead | null> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM ledger.heads WHERE org_id = $1',
      [orgId],
    );
    const row = rows[0];
    return row === undefined ? null : toHead(row.seq, row.hash);
  }

  /** Every chain's head seq (0 for a chain whose events were all refused): one row per organization. */
  async headSeqs(): Promise<OrgHeadSeq[]> {
    const { rows } = await this.pool.query<{ org_id: string; seq: string }>('SELECT org_id, seq FROM ledger.heads');
    return rows.map((row) => ({ orgId: row.org_id, seq: Number(row.seq) }));
  }

  /** The stored hash of one entry, or undefined when there is no such entry. */
  async entryHash(orgId: string, seq: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ hash: string }>(
      'SELECT hash FROM ledger.entries WHERE org_id = $1 AND seq = $2',
      [orgId, seq],
    );
    return rows[0]?.hash;
  }

  /** A chain's rows from `from` to `to` (inclusive), in seq order, a page at a time. */
  rows(orgId: string, from: number, to: number): AsyncGenerator<StoredRow[]> {
    return inPages(from, to, ROW_PAGE, async (low, high) => {
      const { rows } = await this.pool.query<EntryRecord>(
        `SELECT ${ENTRY_COLUMNS} FROM ledger.entries
         WHERE org_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
        [orgId, low, high],
      );
      return rows.map(toStoredRow);
    });
  }

  /** The rows at these seqs, in seq order (missing ones are left out). */
  async rowsAt(orgId: string, seqs: readonly number[]): Promise<StoredRow[]> {
    const { rows } = await this.pool.query<EntryRecord>(
      `SELECT ${ENTRY_COLUMNS} FROM ledger.entries
       WHERE org_id = $1 AND seq = ANY($2::bigint[]) ORDER BY seq`,
      [orgId, seqs],
    );
    return rows.map(toStoredRow);
  }

  /**
   * A chain's links from `from` to `to` with SHA-256(prevHash ‖ stored text) recomputed by Postgres,
   * over the exact bytes it stores: only the hashes travel, not the texts.
   */
  hashedRows(orgId: string, from: number, to: number): AsyncGenerator<HashedRow[]> {
    return inPages(from, to, HASHED_PAGE, async (low, high) => {
      const { rows } = await this.pool.query<{ seq: string; prev_hash: string; hash: string; recomputed: string }>(
        `SELECT seq, prev_hash, hash,
                encode(pg_catalog.sha256(convert_to(prev_hash || canonical, 'UTF8')), 'hex') AS recomputed
         FROM ledger.entries WHERE org_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
        [orgId, low, high],
      );
      return rows.map((row) => ({
        seq: Number(row.seq),
        prevHash: row.prev_hash,
        hash: row.hash,
        recomputed: row.recomputed,
      }));
    });
  }
}

/** Rows per page when the texts are read, and when only hashes are. */
const ROW_PAGE = 2_000;
const HASHED_PAGE = 10_000;
/** Pages in flight: Postgres reads the next one (on another core) while the caller checks this one. */
const PAGES_AHEAD = 2;

/**
 * Reads [from, to] as consecutive seq ranges of `size`, up to PAGES_AHEAD at once, and yields them in
 * order. Ranges (not LIMIT) make pages independent, so they can be read concurrently; a range with rows
 * missing is simply shorter. At most PAGES_AHEAD pages are held, never the chain.
 */
async function* inPages<TRow>(
  from: number,
  to: number,
  size: number,
  read: (low: number, high: number) => Promise<TRow[]>,
): AsyncGenerator<TRow[]> {
  const pending: Promise<TRow[]>[] = [];
  let next = from;
  const fill = () => {
    while (pending.length < PAGES_AHEAD && next <= to) {
      const page = read(next, Math.min(next + size - 1, to));
      page.catch(() => undefined); // observed when awaited; a caller that stops early leaves it unobserved
      pending.push(page);
      next += size;
    }
  };
  fill();
  while (pending.length > 0) {
    const page = await pending.shift()!;
    fill();
    if (page.length > 0) yield page;
  }
}
