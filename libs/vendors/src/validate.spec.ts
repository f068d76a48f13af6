import { childPath, Issues, jsonBytes, Reader, readArray } from './validate';

function read(value: unknown): { reader: Reader; issues: Issues } {
  const issues = new Issues();
  const reader = Reader.of(value, '', issues);
  if (reader === undefined) throw new Error('test value must be an object');
  return { reader, issues };
}

describe('childPath', () => {
  it.each([
    ['', 'traces', 'traces'],
    ['traces', 3, 'traces[3]'],
    ['traces[3]', 'startTime', 'traces[3].startTime'],
    ['', 0, '[0]'],
    ['outputs', 'retrieval.documents', 'outputs["retrieval.documents"]'],
  ])('joins %j and %j as %j', (parent, key, expected) => {
    expect(childPath(parent, key)).toBe(expected);
  });
});

describe('Reader', () => {
  it('reports a body that is not an object at (body)', () => {
    const issues = new Issues();
    expect(Reader.of([1], '', issues)).toBeUndefined();
    expect(issues.errors).toEqual([{ path: '(body)', message: 'must be a JSON object' }]);
  });

  it('treats null as absent: required fields are missing, optional ones undefined', () => {
    const { reader, issues } = read({ name: null, note: null });
    expect(reader.string('name')).toBe('');
    expect(reader.optionalString('note')).toBeUndefined();
    expect(issues.errors).toEqual([{ path: 'name', message: 'is required' }]);
  });

  it('checks string type, emptiness, and length in characters and in bytes', () => {
    const { reader, issues } = read({ a: 1, b: '', c: '😀😀😀', d: 'ééé' });
    reader.string('a');
    reader.string('b', { nonEmpty: true });
    expect(reader.string('c', { max: 3 })).toBe('😀😀😀');
    reader.string('d', { maxBytes: 5 });
    expect(issues.errors).toEqual([
      { path: 'a', message: 'must be a string' },
      { path: 'b', message: 'must not be empty' },
      { path: 'd', message: 'must be at most 5 bytes (got 6)' },
    ]);
  });

  it('checks numbers: type, integer, bounds', () => {
    const { reader, issues } = read({ a: '1', b: 1.5, c: -1, d: 2, e: 0.5 });
    reader.number('a');
    reader.optionalNumber('b', { integer: true });
    reader.optionalNumber('c', { min: 0 });
    reader.optionalNumber('d', { max: 1 });
    expect(reader.optionalNumber('e', { min: 0, max: 1 })).toBe(0.5);
    expect(issues.errors.map((error) => `${error.path}: ${error.message}`)).toEqual([
      'a: must be a number',
      'b: must be an integer',
      'c: must be at least 0',
      'd: must be at most 1',
    ]);
  });

  it('checks enums and booleans', () => {
    const { reader, issues } = read({ type: 'LLM', flag: 'yes' });
    expect(reader.enumOf('type', ['SPAN', 'TOOL'])).toBe('SPAN');
    expect(reader.optionalBoolean('flag')).toBeUndefined();
    expect(issues.errors).toEqual([
      { path: 'type', message: 'must be one of: SPAN, TOOL' },
      { path: 'flag', message: 'must be a boolean' },
    ]);
  });

  it('caps nested objects by their JSON size and tracks nested paths', () => {
    const { reader, issues } = read({ data: { text: 'x'.repeat(20) }, meta: { inner: { id: 5 } } });
    expect(reader.optionalObject('data', { maxBytes: 10 })).toBeUndefined();
    reader.object('meta').object('inner').string('id');
    reader.object('missing');
    expect(issues.errors).toEqual([
      { path: 'data', message: `must be at most 10 bytes as JSON (got ${jsonBytes({ text: 'x'.repeat(20) })})` },
      { path: 'meta.inner.id', message: 'must be a string' },
      { path: 'missing', message: 'is required' },
    ]);
  });

  it('reads arrays of objects and strings, reporting each bad element', () => {
    const { reader, issues } = read({ logs: [{ id: 'a' }, 'b'], tags: ['x', 2] });
    expect(reader.optionalObjectArray('logs')?.map((log) => log.path)).toEqual(['logs[0]']);
    expect(reader.optionalStringArray('tags')).toEqual(['x']);
    expect(issues.errors.map((error) => error.path)).toEqual(['logs[1]', 'tags[1]']);
  });

  it('reads timestamps in both vendor formats', () => {
    const { reader, issues } = read({ iso: '2024-05-30 13:48:34', ms: 1717076914000, bad: '30/05/2024', neg: -1 });
    expect(reader.optionalTimestamp('iso', 'iso')).toBe('2024-05-30T13:48:34.000Z');
    expect(reader.optionalTimestamp('ms', 'epoch-ms')).toBe('2024-05-30T13:48:34.000Z');
    reader.optionalTimestamp('bad', 'iso');
    reader.optionalTimestamp('neg', 'epoch-ms');
    expect(issues.errors.map((error) => error.path)).toEqual(['bad', 'neg']);
  });

  it('lists and rejects unknown keys', () => {
    const { reader, issues } = read({ known: 1, extra: 2 });
    expect(reader.unknownKeys(new Set(['known']))).toEqual(['extra']);
    reader.rejectUnknown(new Set(['known']));
    expect(issues.errors).toEqual([{ path: 'extra', message: 'is not a known field' }]);
  });
});

describe('readArray', () => {
  it('checks the type and the length of an array', () => {
    const issues = new Issues();
    expect(readArray({}, 'traces', issues)).toBeUndefined();
    expect(readArray([], 'traces', issues, { min: 1 })).toEqual([]);
    expect(readArray([1, 2, 3], 'traces', issues, { max: 2 })).toBeUndefined();
    expect(readArray(['a'], 'traces', issues)).toEqual([{ value: 'a', path: 'traces[0]', index: 0 }]);
    expect(issues.errors).toEqual([
      { path: 'traces', message: 'must be an array' },
      { path: 'traces', message: 'must not be empty' },
      { path: 'traces', message: 'must have at most 2 items (got 3)' },
    ]);
  });
});
