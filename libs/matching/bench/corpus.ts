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
