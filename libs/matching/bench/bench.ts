/**
 * Matcher throughput on one core.
 *
 *   node -r ./tools/register.cjs libs/matching/bench/bench.ts
 *
 * Typical: 1.5 KB outputs against 10 retrieved 1.5 KB chunks, 1–2 of them reused, built from the
 * corpus's sentences with a seeded PRNG. Worst case: a 32,000-character output against 200 chunks
 * of 16 KB (the ingest limits). Each figure is measured after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { matchCitations } from '../src/index';
import {
  SentenceDeck,
  corpusSentences,
  seededRandom,
  textOfLength,
  typicalGeneration,
  type Generation,
} from './corpus';

const TYPICAL_POOL = 500;
const TYPICAL_SECONDS = 3;
const WORST_RUNS = 7;

function main(): void {
  const sentences = corpusSentences();
  const random = seededRandom(20240607);

  const deck = new SentenceDeck(sentences, random);
  // Strings as the service gets them: flat, fresh from JSON.parse.
  const typical = Array.from({ length: TYPICAL_POOL }, () => viaJson(typicalGeneration(deck, random)));
  const cited = typical.reduce((sum, g) => sum + matchCitations(g.output, g.vectors).length, 0);
  const rate = generationsPerSecond(typical, TYPICAL_SECONDS);
  console.log(
    `typical (1.5 KB output, 10 × 1.5 KB vectors, ${(cited / typical.length).toFixed(2)} citations each): ` +
      `${thousands(rate.wall)} generations/s wall clock, ${thousands(rate.cpu)} per CPU-second`,
  );

  const worst = viaJson(worstCase(sentences, random));
  report('worst case (32,000-char output, 200 × 16 KB vectors of real sentences)', timeRuns(worst));
  report('worst case, one sentence repeated in the output and every vector', timeRuns(viaJson(repetitiveCase())));
}

function report(name: string, runs: Timing[]): void {
  const wall = median(runs.map((run) => run.wall));
  const cpu = median(runs.map((run) => run.cpu));
  console.log(`${name}: median ${wall.toFixed(1)} ms wall clock, ${cpu.toFixed(1)} ms CPU (${runs.length} runs)`);
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

/**
 * Runs the pool round-robin for about `seconds` after a one-second warm-up, counting whole
 * passes. CPU time is reported beside wall-clock time because the figure is per core: on a
 * shared machine, time spent descheduled is not the matcher's.
 */
function generationsPerSecond(pool: readonly Generation[], seconds: number): { wall: number; cpu: number } {
  const warmUpEnd = performance.now() + 1000;
  for (let i = 0; performance.now() < warmUpEnd; i++) run(pool[i % pool.length]);
  let done = 0;
  const start = performance.now();
  const cpuStart = cpuMs();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const generation of pool) run(generation);
    done += pool.length;
  }
  return { wall: done / ((performance.now() - start) / 1000), cpu: done / ((cpuMs() - cpuStart) / 1000) };
}

function timeRuns(generation: Generation): Timing[] {
  run(generation);
  run(generation);
  return Array.from({ length: WORST_RUNS }, () => {
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

function repetitiveCase(): Generation {
  const sentence = 'The PageRank of a page is defined recursively and depends on the number of pages that link to it. ';
  return {
    output: sentence.repeat(Math.ceil(32_000 / sentence.length)).slice(0, 32_000),
    vectors: Array.from({ length: 200 }, (_, index) => ({
      id: `r${index}`,
      content: sentence.repeat(Math.ceil(16_384 / sentence.length)).slice(0, 16_384),
    })),
  };
}

let sink = 0;
function run(generation: Generation | undefined): void {
  if (!generation) return;
  sink += matchCitations(generation.output, generation.vectors).length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

main();
if (sink < 0) console.log(sink);
