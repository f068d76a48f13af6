/**
 * Throughput of chaining and verifying ledger entries, in memory.
 *
 *   node --expose-gc --max-old-space-size=12288 -r ./tools/register.cjs libs/ledger/bench/verify.bench.ts \
 *     [entries] [export.ndjson]
 *   (pin to one core with `taskset -c 0` in front)
 *
 * Builds `entries` (default 1,000,000) deterministic retrieval entries with ~1.3 KB payloads, chains
 * them, verifies them with ChainVerifier, then times the parts of the hash alone (JCS, SHA-256) to
 * show where the time goes. With a second argument, also writes the chain as an NDJSON export there,
 * to time the offline CLI on it.
 */
import { hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { canonicalEntry, chainEntries, ChainVerifier, type ChainedEntry, type NewLedgerEntry } from '../src/chain';
import { formatExportLine } from '../src/export';
import type { JsonObject } from '../src/jcs';

const ENTRY_COUNT = Number(process.argv[2] ?? 1_000_000);
const EXPORT_FILE = process.argv[3];
const ORG_ID = 'org-bench';

/** mulberry32: small, fast, and the same sequence on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
const hex = (length: number): string => {
  let out = '';
  while (out.length < length)
    out += Math.floor(next() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
};
const uuid = (): string => {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
};

// Retrieved passages are shared strings (as they would be interned content), so a million payloads
// fit in memory; the canonical JSON still serializes every byte of them for every entry.
const PASSAGES = Array.from({ length: 64 }, (_, index) =>
  `Passage ${index}: password reset links expire after 24 hours; contact support if "café" access fails.`.slice(
    0,
    60 + (index % 30),
  ),
);
const QUERIES = ['how do I reset my password', 'refund policy for annual plans', 'SSO setup with Okta', '日本 region'];

function retrievalPayload(index: number): JsonObject {
  return {
    clientEventId: uuid(),
    source: index % 3 === 0 ? 'buzo' : 'langfuse',
    collectionId: `kb-${index % 17}`,
    query: { text: QUERIES[index % QUERIES.length], hash: hex(16) },
    results: Array.from({ length: 10 }, (_, rank) => ({
      id: `vec-${Math.floor(next() * 1_000_000)}`,
      score: Math.round((0.95 - rank * 0.03 - next() * 0.01) * 1e6) / 1e6,
      content: PASSAGES[(index + rank) % PASSAGES.length],
    })),
    latencyMs: Math.floor(next() * 250),
    kReturned: 10,
    kRequested: 10,
    timestamp: new Date(Date.UTC(2026, 3, 18) + index * 37).toISOString(),
    cacheHit: index % 5 === 0,
    sdk: { lang: 'ts', version: '0.4.0' },
  };
}

/** Wall time and this process's CPU time: the machine may be shared, CPU time is what the work cost. */
function time<T>(label: string, count: number, work: () => T): T {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = work();
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpuBefore);
  const cpu = (user + system) / 1e6;
  const rate = (seconds: number): string =>
    Math.round(count / seconds)
      .toLocaleString('en-US')
      .padStart(10);
  console.log(
    `${label.padEnd(46)} wall ${wall.toFixed(2).padStart(6)} s ${rate(wall)}/s   cpu ${cpu.toFixed(2).padStart(6)} s ${rate(cpu)}/s`,
  );
  return result;
}

function verifyAll(entries: readonly ChainedEntry[], detectDuplicateEventIds: boolean): ChainVerifier {
  const verifier = new ChainVerifier(ORG_ID, { detectDuplicateEventIds });
  for (const entry of entries) verifier.feed(entry);
  const result = verifier.result();
  if (!result.ok || result.entries !== entries.length)
    throw new Error(`verification failed: ${JSON.stringify(result)}`);
  return verifier;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
}
const megabytes = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;

console.log(`node ${process.version}, ${ENTRY_COUNT.toLocaleString('en-US')} entries`);
const newEntries = time('build entries', ENTRY_COUNT, () =>
  Array.from({ length: ENTRY_COUNT }, (_, index): NewLedgerEntry => ({
    eventId: uuid(),
    type: 'retrieval.recorded.v1',
    occurredAt: new Date(Date.UTC(2026, 3, 18) + index * 37).toISOString(),
    payload: retrievalPayload(index),
  })),
);
const chained = time('chainEntries (JCS + SHA-256 + hex)', ENTRY_COUNT, () => chainEntries(ORG_ID, null, newEntries));

const sample = chained.slice(0, 1000).map((entry) => Buffer.byteLength(canonicalEntry(entry)));
console.log(`canonical entry size: mean ${Math.round(sample.reduce((a, b) => a + b, 0) / sample.length)} bytes`);

const heapBefore = heapUsed();
const verifier = time('ChainVerifier, duplicate eventIds tracked', ENTRY_COUNT, () => verifyAll(chained, true));
if (collectGarbage !== undefined) {
  console.log(`  eventId map: ${megabytes(heapUsed() - heapBefore)} held (${verifier.result().entries} ids)`);
}
time('ChainVerifier, duplicate tracking off', ENTRY_COUNT, () => verifyAll(chained, false));

// Where the time goes.
time('  of which: canonicalEntry (JCS)', ENTRY_COUNT, () => {
  for (const entry of chained) canonicalEntry(entry);
});
const SAMPLE = Math.min(ENTRY_COUNT, 100_000);
const canonicalSample = chained.slice(0, SAMPLE).map((entry) => entry.prevHash + canonicalEntry(entry));
time(`  of which: SHA-256 -> hex (${SAMPLE.toLocaleString('en-US')} sample)`, SAMPLE, () => {
  for (const text of canonicalSample) hash('sha256', text, 'hex');
});
time('  for scale: JSON.stringify(payload)', ENTRY_COUNT, () => {
  for (const entry of chained) JSON.stringify(entry.payload);
});

if (EXPORT_FILE !== undefined) {
  const file = openSync(EXPORT_FILE, 'w');
  for (let start = 0; start < chained.length; start += 10_000) {
    const lines = chained.slice(start, start + 10_000).map((entry) => formatExportLine({ orgId: ORG_ID, ...entry }));
    writeSync(file, lines.join('\n') + '\n');
  }
  closeSync(file);
  console.log(`wrote ${chained.length.toLocaleString('en-US')} export lines to ${EXPORT_FILE}`);
}
