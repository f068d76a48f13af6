/**
 * A stream of Buzo runs — a retrieval and the generation it fed — for the
 * end-to-end test and benchmark. Every tenth run serves one of a few quarantined vectors and its
 * answer quotes it, so the alerts it must raise are known in advance.
 */
import { randomInt, randomUUID } from 'node:crypto';

export interface StreamRun {
  retrieval: Record<string, unknown>;
  generation: Record<string, unknown> & { clientEventId: string };
  /** The quarantined vector this run serves and cites, if any. */
  quarantinedVector?: string;
}

export interface Stream {
  collectionId: string;
  quarantined: string[];
  runs: StreamRun[];
  /** The clientEventId of every event. */
  expectedEvents: string[];
  /** `<alertType>|<retrieval or generation clientEventId>|<vectorId>` of every alert the stream must raise. */
  expectedAlerts: string[];
}

const QUARANTINED_VECTORS = 20;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fu', 'gi', 'he', 'jo', 'bu'];

/** Chunk text of made-up three-syllable words: two chunks share no run of words by chance. */
function textOf(words: number): string {
  const pick = () => SYLLABLES[randomInt(SYLLABLES.length)]!;
  const sentence = Array.from({ length: words }, () => pick() + pick() + pick()).join(' ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

export function streamOf(runCount: number): Stream {
  const collectionId = randomUUID();
  const tag = randomUUID().slice(0, 8); // client ids unique to this stream
  const quarantined = Array.from({ length: QUARANTINED_VECTORS }, (_, index) => `q-${index}`);
  const quarantinedContent = quarantined.map(() => textOf(30));
  const runs: StreamRun[] = [];
  const expectedAlerts: string[] = [];
  for (let index = 0; index < runCount; index += 1) {
    const runId = `run-${tag}-${index}`;
    const flagged = index % 10 === 0 ? (index / 10) % QUARANTINED_VECTORS : undefined;
    const used =
      flagged === undefined
        ? { id: `v-${index}-used`, content: textOf(30) }
        : { id: quarantined[flagged]!, content: quarantinedContent[flagged]! };
    const unused = { id: `v-${index}-unused`, content: textOf(30) };
    const now = new Date().toISOString();
    const retrieval = {
      clientEventId: `r-${tag}-${index}`,
      collectionId,
      query: { text: `question ${index}` },
      results: [
        { id: used.id, score: 0.9, content: used.content },
        { id: unused.id, score: 0.6, content: unused.content },
      ],
      kReturned: 2,
      latencyMs: 30,
      timestamp: now,
      parentQueryId: runId,
      sdk: { lang: 'ts', version: '0.4.0' },
    };
    const generation = {
      clientEventId: `g-${tag}-${index}`,
      runId,
      output: { text: `Here is what the documents say. ${used.content} I hope this helps.` },
      latencyMs: 500,
      timestamp: now,
      sdk: { lang: 'ts', version: '0.4.0' },
    };
    runs.push({ retrieval, generation, ...(flagged === undefined ? {} : { quarantinedVector: used.id }) });
    if (flagged !== undefined) {
      expectedAlerts.push(`SERVED_FLAGGED|${retrieval.clientEventId}|${used.id}`);
      expectedAlerts.push(`CITED_FLAGGED|${generation.clientEventId}|${used.id}`);
    }
  }
  const expectedEvents = runs.flatMap(({ retrieval, generation }) => [
    String(retrieval.clientEventId),
    generation.clientEventId,
  ]);
  return { collectionId, quarantined, runs, expectedEvents, expectedAlerts };
}
