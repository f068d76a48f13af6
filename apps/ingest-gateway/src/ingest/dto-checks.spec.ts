import { randomUUID } from 'node:crypto';
import {
  badGenerations,
  badRetrievals,
  generationEvent,
  retrievalEvent,
  SEED_GENERATION_BODY,
} from '../../test/buzo-requests';
import { VectorStateChangeDto } from '../quarantine/quarantine.dto';
import { GenerationBatchDto, RetrievalBatchDto } from './buzo.dto';
import { classValidatorVerdict, compileCheck } from './dto-checks';

type Dto = typeof RetrievalBatchDto | typeof GenerationBatchDto | typeof VectorStateChangeDto;

/** What the gateway receives: the body as JSON carries it (no `undefined` fields). */
const wire = (body: unknown) => JSON.parse(JSON.stringify(body)) as object;

async function verdicts(type: Dto, body: object) {
  const compiled = compileCheck<object>(type)(body);
  const { errors } = await classValidatorVerdict<object>(type, body);
  return { compiled, classValidator: errors.length === 0 };
}

const fullRetrieval = () =>
  retrievalEvent({
    query: { embedding: [0.1, -2, 3e-5] },
    agentId: 'agent',
    embeddingModelId: 'text-embedding-3-small',
    cacheHit: false,
    kRequested: 5,
    resultsRerankedScores: [0.9, 0.1],
    error: { message: 'partial' },
    metadata: { tenant: 'a', nested: { list: [1, 'two'] } },
  });

const fullGeneration = () =>
  generationEvent({
    parentRunId: 'root',
    collectionId: '00000000-0000-0000-0000-000000000001',
    agentId: 'agent',
    model: 'gpt-4o',
    promptTokens: 82,
    completionTokens: 14,
    error: 'timeout',
    metadata: {},
  });

const valid: [string, Dto, object][] = [
  ['the test retrieval', RetrievalBatchDto, { events: [retrievalEvent()] }],
  ['a retrieval with every optional field', RetrievalBatchDto, { events: [fullRetrieval()] }],
  [
    'a retrieval by hash, results without content',
    RetrievalBatchDto,
    { events: [retrievalEvent({ query: { hash: 'h' } })] },
  ],
  [
    'the benchmark retrieval batch',
    RetrievalBatchDto,
    {
      events: Array.from({ length: 100 }, (_, i) =>
        retrievalEvent({
          results: Array.from({ length: 10 }, (_, r) => ({ id: `vec-${i}-${r}`, score: 0.9 - r / 100 })),
          kReturned: 10,
        }),
      ),
    },
  ],
  ['the test generation', GenerationBatchDto, { events: [generationEvent()] }],
  ['a generation with every optional field', GenerationBatchDto, { events: [fullGeneration()] }],
  ["the seed's example", GenerationBatchDto, JSON.parse(SEED_GENERATION_BODY) as object],
  [
    'the benchmark generation batch',
    GenerationBatchDto,
    { events: Array.from({ length: 50 }, () => generationEvent({ output: { text: 'word '.repeat(300) } })) },
  ],
  ['a quarantine change', VectorStateChangeDto, { collectionId: 'c', vectorIds: ['a', 'b'], reason: 'poisoned' }],
];

describe('compileCheck agrees with class-validator', () => {
  it.each(valid)('accepts %s, as class-validator does', async (_name, type, body) => {
    expect(await verdicts(type, wire(body))).toEqual({ compiled: true, classValidator: true });
  });

  // Cross-field rules (kReturned, the query form) are not the DTO's: both accept those, the mapper refuses them.
  it.each(badRetrievals)('judges a retrieval with %s as class-validator does', async (_name, overrides) => {
    const { compiled, classValidator } = await verdicts(
      RetrievalBatchDto,
      wire({ events: [retrievalEvent(), retrievalEvent(overrides)] }),
    );
    expect(compiled).toBe(classValidator);
  });

  it.each(badGenerations)('rejects a generation with %s, as class-validator does', async (_name, overrides) => {
    expect(await verdicts(GenerationBatchDto, wire({ events: [generationEvent(overrides)] }))).toEqual({
      compiled: false,
      classValidator: false,
    });
  });

  it('rejects empty, oversized and malformed batches and stray fields, as class-validator does', async () => {
    const bodies: [Dto, unknown][] = [
      [RetrievalBatchDto, { events: [] }],
      [RetrievalBatchDto, { events: Array.from({ length: 101 }, () => retrievalEvent()) }],
      [GenerationBatchDto, { events: Array.from({ length: 51 }, () => generationEvent()) }],
      [GenerationBatchDto, {}],
      [GenerationBatchDto, { events: 'none' }],
      [GenerationBatchDto, { events: [null] }],
      [GenerationBatchDto, { events: [generationEvent()], extra: 1 }],
      [GenerationBatchDto, { events: [generationEvent({ sdk: { lang: 'ts', version: '1', extra: 1 } })] }],
      [GenerationBatchDto, { events: [generationEvent({ output: { text: 'a', extra: 1 } })] }],
      [RetrievalBatchDto, { events: [retrievalEvent({ query: { text: 'a', extra: 1 } })] }],
      [VectorStateChangeDto, { collectionId: 'c', vectorIds: ['a', 7] }],
      [VectorStateChangeDto, { collectionId: 'c', vectorIds: [] }],
    ];
    for (const [type, body] of bodies) {
      expect({ body, ...(await verdicts(type, wire(body))) }).toEqual({ body, compiled: false, classValidator: false });
    }
  });

  it('never accepts what class-validator refuses, over thousands of mutated events', async () => {
    const random = seeded(20261122);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const oddValues: unknown[] = [
      undefined,
      null,
      '',
      'x',
      'x'.repeat(129),
      'x'.repeat(257),
      '2026-04-18T14:22:17+02:00',
      '2026-13-45T99:99:99Z',
      '00000000-0000-0000-0000-00000000000g',
      randomUUID(),
      0,
      -1,
      1.5,
      600_000,
      600_001,
      1e300,
      true,
      [],
      [1],
      ['a'],
      [{}],
      [[]],
      {},
      { text: 'a' },
      { lang: 'python', version: '1' },
      [{ id: 'a', score: 1 }],
      [{ id: 'a', score: 1, content: 7 }],
      [{ id: '', score: 1 }],
      [[{ id: 'a', score: 1 }]],
    ];
    const mutate = (value: unknown, depth: number): unknown => {
      if (depth > 3 || typeof value !== 'object' || value === null || random() < 0.3) return pick(oddValues);
      const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<string, unknown>;
      const keys = Object.keys(copy);
      if (keys.length === 0 || random() < 0.1) copy[pick(['surprise', 'text', 'id', '0'])] = pick(oddValues);
      else {
        const key = pick(keys);
        copy[key] = mutate(copy[key], depth + 1);
      }
      return copy;
    };
    const tally = { agreed: 0, compiledStricter: 0, accepted: 0 };
    for (let n = 0; n < 4_000; n += 1) {
      const [type, body]: [Dto, unknown] =
        n % 3 === 0
          ? [RetrievalBatchDto, { events: [fullRetrieval()] }]
          : n % 3 === 1
            ? [GenerationBatchDto, { events: [fullGeneration()] }]
            : [VectorStateChangeDto, { collectionId: 'c', vectorIds: ['a'], reason: 'r' }];
      const mutated = wire(mutate(body, 0) ?? {});
      const { compiled, classValidator } = await verdicts(type, mutated);
      if (compiled && !classValidator) throw new Error(`compiled check accepts ${JSON.stringify(mutated)}`);
      if (compiled === classValidator) tally.agreed += 1;
      else tally.compiledStricter += 1;
      if (compiled) tally.accepted += 1;
    }
    // Mutants of both kinds were tried, and the fast path rarely hands a valid body to the slow one.
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.agreed).toBeGreaterThan(3_900);
  });
});

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
