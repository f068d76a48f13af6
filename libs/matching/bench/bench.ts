/**
 * Matcher throughput on one core.
 *
 *   node -r ./tools/register.cjs libs/matching/bench/bench.ts
 *
 * Typical: 1.5 KB outputs against 10 retrieved 1.5 KB chunks, 1–2 of them reused, built from the
 * corpus's sentences with a seeded PRNG. The matcher caches tokenized vectors by content, so the
 * typical rate is given twice: cold, every vector new (fresh random chunks each generation), and
 * warm, chunks drawn from a fixed corpus with Zipf popularity, as retrieval serves them. Worst
 * case: a 32,000-character output against 200 chunks of 16 KB (the ingest limits), every chunk
 * new. Generations are built in batches outside the timed part; each figure follows a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { matchCitations, vectorCacheStats } from '../src/index';
import {
  SentenceDeck,
  chunkPool,
  corpusSentences,
  hotCorpusGeneration,
  seededRandom,
  textOfLength,
  typicalGeneration,
  zipfSampler,
  type Generation,
} from './corpus';

const BATCH = 500;
const TYPICAL_SECONDS = 3;
const WORST_RUNS = 7;
/** The warm corpus: chunks retrievable, and the skew of their popularity. */
const HOT_CHUNKS = 20_000;
const ZIPF_EXPONENT = 1;

function main(): void {
  const sentences = corpusSentences();
  const random = seededRandom(20240607);

  const deck = new SentenceDeck(sentences, random);
  const cold = typicalRate(() => typicalGeneration(deck, random));
  console.log(
    `typical, COLD (every vector unseen; 1.5 KB output, 10 × 1.5 KB vectors, ${cold.citations.toFixed(2)} citations each, ` +
      `cache hit rate ${percent(cold.hitRate)}): ${thousands(cold.wall)} generations/s wall clock, ${thousands(cold.cpu)} per CPU-second`,
  );

  const pool = chunkPool(sentences, HOT_CHUNKS, 1500, random);
  const draw = zipfSampler(pool.length, ZIPF_EXPONENT, random);
  const warm = typicalRate(() => hotCorpusGeneration(sentences, pool, draw, random));
  console.log(
    `typical, WARM (vectors from a corpus of ${thousands(HOT_CHUNKS)} chunks, Zipf popularity s = ${ZIPF_EXPONENT}; ` +
      `${warm.citations.toFixed(2)} citations each, cache hit rate ${percent(warm.hitRate)}): ` +
      `${thousands(warm.wall)} generations/s wall clock, ${thousands(warm.cpu)} per CPU-second`,
  );

  report(
    'worst case (32,000-char output, 200 × 16 KB vectors of real sentences, every vector unseen)',
    timeRuns(() => worstCase(sentences, random)),
  );
  let tag = 0;
  report(
    'worst case, one sentence repeated in the output and every vector (every vector unseen)',
    timeRuns(() => repetitiveCase(tag++)),
  );
}

function report(name: string, runs: Timing[]): void {
  const wall = median(runs.map((run) => run.wall));
  const cpu = median(runs.map((run) => run.cpu));
  console.log(`${name}: median ${wall.toFixed(1)} ms wall clock, ${cpu.toFixed(1)} ms CPU (${runs.length} runs)`);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function viaJson(generation: Generation): Generation {
  return JSON.parse(JSON.stringify(generation)) as Generation;
}

interface Timing {
  /** Milliseconds. */
  readonly wall: number;
  /** Milliseconds of CPU time of this process (user + system). */
  readonly cpu: number;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface Rate {
  /** Generations per second. */
  readonly wall: number;
  readonly cpu: number;
  readonly citations: number;
  /** Share of vector lookups answered by the cache. */
  readonly hitRate: number;
}

/**
 * Matches fresh batches of `generate()` for about TYPICAL_SECONDS of matching after a one-second
 * warm-up, timing only the matching. CPU time is reported beside wall-clock time because the
 * figure is per core: on a shared machine, time spent descheduled is not the matcher's.
 */
function typicalRate(generate: () => Generation): Rate {
  const batch = (): Generation[] => Array.from({ length: BATCH }, () => viaJson(generate()));
  for (const warmUpEnd = performance.now() + 1000; performance.now() < warmUpEnd;) batch().forEach(run);
  const before = vectorCacheStats();
  const citationsBefore = sink;
  let done = 0;
  let wall = 0;
  let cpu = 0;
  while (wall < TYPICAL_SECONDS * 1000) {
    const generations = batch();
    const start = performance.now();
    const cpuStart = cpuMs();
    generations.forEach(run);
    wall += performance.now() - start;
    cpu += cpuMs() - cpuStart;
    done += generations.length;
  }
  const after = vectorCacheStats();
  const hits = after.hits - before.hits;
  return {
    wall: done / (wall / 1000),
    cpu: done / (cpu / 1000),
    citations: (sink - citationsBefore) / done,
    hitRate: hits / (hits + after.misses - before.misses),
  };
}

/** Times WORST_RUNS runs, each on a new generation (so that no vector is cached), after two unmeasured ones. */
function timeRuns(generate: () => Generation): Timing[] {
  run(viaJson(generate()));
  run(viaJson(generate()));
  return Array.from({ length: WORST_RUNS }, () => {
    const generation = viaJson(generate());
    const start = performance.now();
    const cpuStart = cpuMs();
    run(generation);
    return { wall: performance.now() - start, cpu: cpuMs() - cpuStart };
  });
}

function worstCase(sentences: readonly string[], random: () => number): Generation {
  const output = textOfLength(sentences, 32_000, random);
  const vectors = Array.from({ length: 200 }, (_, index) => ({
    id: `w${index}`,
    content: textOfLength(sentences, 16_384, random),
  }));
  return { output, vectors };
}

/** `tag` makes every vector's text new (a leading word of its own), so none comes from the cache. */
function repetitiveCase(tag: number): Generation {
  const sentence = 'The PageRank of a page is defined recursively and depends on the number of pages that link to it. ';
  return {
    output: sentence.repeat(Math.ceil(32_000 / sentence.length)).slice(0, 32_000),
    vectors: Array.from({ length: 200 }, (_, index) => ({
      id: `r${index}`,
      content: `r${tag}x${index} ${sentence.repeat(Math.ceil(16_384 / sentence.length))}`.slice(0, 16_384),
    })),
  };
}

let sink = 0;
function run(generation: Generation): void {
  sink += matchCitations(generation.output, generation.vectors).length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

main();
if (sink < 0) console.log(sink);
