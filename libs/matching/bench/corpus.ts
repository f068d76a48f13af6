import { loadDataset } from '../eval/dataset';

/** Mulberry32: a small seeded PRNG, so every run builds the same texts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Real English sentences: those of the corpus's answers and source passages, without near
 * repeats (a sentence sharing five consecutive words with one already kept is dropped, since the
 * copying answers repeat their sources), so texts drawn from different sentences share no runs.
 */
export function corpusSentences(): string[] {
  const texts = new Set<string>();
  for (const answer of loadDataset()) {
    texts.add(answer.source);
    texts.add(answer.answer);
  }
  const seen = new Set<string>();
  const sentences: string[] = [];
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
      const trimmed = sentence.trim();
      if (trimmed.length < 40 || trimmed.length > 400) continue;
      const words = trimmed.toLowerCase().match(/[a-z0-9]+/g) ?? [];
      const grams = words.slice(4).map((word, i) => `${words.slice(i, i + 4).join(' ')} ${word}`);
      if (grams.some((gram) => seen.has(gram))) continue;
      for (const gram of grams) seen.add(gram);
      sentences.push(trimmed);
    }
  }
  return sentences;
}

/** Draws sentences without replacement (until the deck runs out, then reshuffles). */
export class SentenceDeck {
  private order: string[] = [];

  constructor(
    private readonly sentences: readonly string[],
    private readonly random: () => number,
  ) {}

  /** Starts a new generation: no sentence repeats within one generation. */
  shuffle(): void {
    this.order = [...this.sentences];
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j] ?? '', this.order[i] ?? ''];
    }
  }

  next(): string {
    if (this.order.length === 0) this.shuffle();
    return this.order.pop() ?? '';
  }

  textOfLength(length: number): string {
    let text = '';
    while (text.length < length) text += `${this.next()} `;
    return text.slice(0, length);
  }
}

/** Random sentences joined until the text reaches `length` characters (then cut there). */
export function textOfLength(sentences: readonly string[], length: number, random: () => number): string {
  let text = '';
  while (text.length < length) text += `${pick(sentences, random)} `;
  return text.slice(0, length);
}

export function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export interface Generation {
  readonly output: string;
  readonly vectors: ReadonlyArray<{ id: string; content: string }>;
}

/**
 * A typical RAG generation: `vectorCount` retrieved chunks of `vectorLength` characters; the
 * answer (`outputLength` characters) quotes or reuses sentences of 1–2 of them and fills the rest
 * with other sentences, so most chunks are retrieved but unused.
 */
export function typicalGeneration(
  deck: SentenceDeck,
  random: () => number,
  { outputLength = 1500, vectorCount = 10, vectorLength = 1500 } = {},
): Generation {
  deck.shuffle();
  const vectors = Array.from({ length: vectorCount }, (_, index) => ({
    id: `v${index}`,
    content: deck.textOfLength(vectorLength),
  }));
  const reused = vectors.slice(0, 1 + Math.floor(random() * 2));
  let output = '';
  for (const vector of reused) {
    const parts = vector.content.split(/(?<=[.!?])\s+/).filter((part) => part.length > 40);
    output += `${parts.slice(1, 3).join(' ')} `;
  }
  output += deck.textOfLength(Math.max(0, outputLength - output.length));
  return { output: output.slice(0, outputLength), vectors };
}

/** A retrievable chunk of a fixed corpus, with the sentences (by index, in order) it is made of. */
export interface Chunk {
  readonly content: string;
  readonly sentences: readonly number[];
}

/** `count` chunks of `length` characters, each of distinct sentences in random order (the last one cut). */
export function chunkPool(sentences: readonly string[], count: number, length: number, random: () => number): Chunk[] {
  return Array.from({ length: count }, () => {
    const used: number[] = [];
    let content = '';
    for (const index of shuffled(
      sentences.map((_, index) => index),
      random,
    )) {
      if (content.length >= length) break;
      content += `${sentences[index] ?? ''} `;
      used.push(index);
    }
    return { content: content.slice(0, length), sentences: used };
  });
}

/** Draws ranks 0 … n−1 with probability ∝ 1 / (rank + 1)^exponent. */
export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let rank = 0; rank < n; rank++) cumulative[rank] = sum += 1 / (rank + 1) ** exponent;
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * A typical generation whose 10 chunks come from a fixed pool by popularity (`draw` gives a
 * chunk's index), as retrieval over a real corpus serves its hot chunks again and again. As in
 * `typicalGeneration`, the answer reuses two whole sentences of each of 1–2 chunks and fills the
 * rest with other sentences; chunks of a pool overlap, so the reused sentences are ones no other
 * chunk of the generation holds, and the filler is sentences of none of them.
 */
export function hotCorpusGeneration(
  sentences: readonly string[],
  pool: readonly Chunk[],
  draw: () => number,
  random: () => number,
  { outputLength = 1500, vectorCount = 10 } = {},
): Generation {
  const picked = new Set<number>();
  while (picked.size < vectorCount) picked.add(draw());
  const chunks = [...picked].map((index) => pool[index] ?? { content: '', sentences: [] });
  const holders = new Map<number, number>();
  for (const chunk of chunks) for (const index of chunk.sentences) holders.set(index, (holders.get(index) ?? 0) + 1);
  let output = '';
  for (const chunk of chunks.slice(0, 1 + Math.floor(random() * 2))) {
    // Not the first sentence, nor the last (cut) one.
    const own = chunk.sentences.slice(1, -1).filter((index) => holders.get(index) === 1);
    output += own
      .slice(0, 2)
      .map((index) => `${sentences[index] ?? ''} `)
      .join('');
  }
  for (const index of shuffled(
    sentences.map((_, index) => index).filter((index) => !holders.has(index)),
    random,
  )) {
    if (output.length >= outputLength) break;
    output += `${sentences[index] ?? ''} `;
  }
  return {
    output: output.slice(0, outputLength),
    vectors: [...picked].map((index, order) => ({ id: `c${index}`, content: chunks[order]?.content ?? '' })),
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}
