import { DEFAULT_MATCHER_CONFIG } from './config';
import { configFromArgs, handleLine } from './jsonl';

const SOURCE =
  'The new classes, known as derived classes, take over (or inherit) attributes and behavior of the pre-existing classes.';

function parse(line: string): unknown {
  const result = handleLine(line, DEFAULT_MATCHER_CONFIG);
  return result && { ok: result.ok, value: JSON.parse(result.json) as unknown };
}

describe('handleLine', () => {
  it('answers a request with its id and citations', () => {
    const request = {
      id: 'g1',
      output: `As the text says: ${SOURCE}`,
      vectors: [
        { id: 'v1', content: SOURCE },
        { id: 'v2', content: 'Unrelated.' },
      ],
    };
    expect(parse(JSON.stringify(request))).toEqual({
      ok: true,
      value: {
        id: 'g1',
        citations: [
          { vectorId: 'v1', tier: 'verbatim', score: 1, spans: [{ start: 18, end: 18 + SOURCE.length - 1 }] },
        ],
      },
    });
  });

  it('accepts numeric ids and empty vector lists', () => {
    expect(parse('{"id": 7, "output": "x", "vectors": []}')).toEqual({ ok: true, value: { id: 7, citations: [] } });
  });

  it('turns a bad line into an error line, echoing the id when it can be read', () => {
    expect(parse('not json')).toEqual({
      ok: false,
      value: { error: expect.stringMatching(/^invalid JSON/) as unknown },
    });
    expect(parse('[1, 2]')).toEqual({ ok: false, value: { error: expect.stringMatching(/JSON object/) as unknown } });
    expect(parse('{"output": "x", "vectors": []}')).toEqual({
      ok: false,
      value: { error: 'id must be a string or a number' },
    });
    expect(parse('{"id": "a", "output": 1, "vectors": []}')).toEqual({
      ok: false,
      value: { id: 'a', error: 'output must be a string' },
    });
    expect(parse('{"id": "a", "output": "x", "vectors": {}}')).toEqual({
      ok: false,
      value: { id: 'a', error: 'vectors must be an array' },
    });
    expect(parse('{"id": "a", "output": "x", "vectors": [{"id": "v"}]}')).toEqual({
      ok: false,
      value: { id: 'a', error: 'vectors[0].content must be a string' },
    });
  });

  it('skips blank lines', () => {
    expect(handleLine('   ', DEFAULT_MATCHER_CONFIG)).toBeUndefined();
  });
});

describe('configFromArgs', () => {
  it('reads --config overrides and rejects unknown keys', () => {
    expect(configFromArgs([])).toEqual({});
    expect(configFromArgs(['--config', '{"ngramMinEvidence": 30}'])).toEqual({ ngramMinEvidence: 30 });
    expect(() => configFromArgs(['--config', '{"minEvidence": 30}'])).toThrow(/unknown config keys: minEvidence/);
    expect(() => configFromArgs(['--config', '[1]'])).toThrow(/JSON object/);
  });
});
