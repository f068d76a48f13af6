import {
  chainEntries,
  ExportFormatError,
  formatExportLine,
  parseExportLine,
  parseExportLines,
  type ExportLine,
} from './index';

const [first, second] = chainEntries('org-1', null, [
  { eventId: 'e1', type: 'org.created.v1', occurredAt: '2026-04-18T14:22:18.015Z', payload: { z: 1, a: 'café\n' } },
  { eventId: 'e2', type: 'retrieval.recorded.v1', occurredAt: '2026-04-18T14:22:19.000Z', payload: [1e21, -0, null] },
]).map((entry): ExportLine => ({ orgId: 'org-1', ...entry }));
const line1 = first as ExportLine;
const line2 = second as ExportLine;

async function* linesOf(...lines: string[]): AsyncGenerator<string> {
  await Promise.resolve();
  yield* lines;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('formatExportLine', () => {
  it('writes the members in the design order with the payload canonical', () => {
    expect(formatExportLine(line1)).toBe(
      `{"orgId":"org-1","seq":1,"eventId":"e1","type":"org.created.v1","occurredAt":"2026-04-18T14:22:18.015Z",` +
        `"payload":{"a":"café\\n","z":1},"prevHash":"${line1.prevHash}","hash":"${line1.hash}"}`,
    );
    expect(formatExportLine(line2)).toContain('"payload":[1e+21,0,null]');
  });
});

describe('parseExportLines', () => {
  const text = `${formatExportLine(line1)}\n${formatExportLine(line2)}\n`;

  it('round-trips formatted lines', () => {
    const parsed = parseExportLines(text);
    expect(parsed.map(formatExportLine)).toEqual([formatExportLine(line1), formatExportLine(line2)]);
    expect(parsed[0]).toEqual({ ...line1, payload: { a: 'café\n', z: 1 } });
  });

  it('skips blank lines, accepts CRLF, and ignores unknown members', () => {
    const withExtras = formatExportLine(line2).replace(/}$/, ',"exportedAt":"later"}');
    const parsed = parseExportLines(`\n${formatExportLine(line1)}\r\n   \n${withExtras}`);
    expect(parsed.map((line) => line.seq)).toEqual([1, 2]);
    expect(parsed[1]).not.toHaveProperty('exportedAt');
  });

  it('reads an async iterable of lines, one entry at a time', async () => {
    const parsed = await collect(parseExportLines(linesOf(formatExportLine(line1), '', formatExportLine(line2))));
    expect(parsed.map((line) => line.hash)).toEqual([line1.hash, line2.hash]);
  });

  it('names the line of malformed JSON', () => {
    expect(() => parseExportLines(`${formatExportLine(line1)}\n\n{"orgId": "org-1", seq: 2}`)).toThrow(
      /^line 3: malformed JSON \(/,
    );
  });

  it('names the line and the member that is missing or mistyped', async () => {
    const { hash: _hash, ...withoutHash } = line1;
    const { payload: _payload, ...withoutPayload } = line1;
    const cases: readonly (readonly [unknown, string])[] = [
      [withoutHash, 'line 4: missing member "hash"'],
      [withoutPayload, 'line 4: missing member "payload"'],
      [{ ...line1, seq: '1' }, 'line 4: "seq" must be a positive integer'],
      [{ ...line1, seq: 0 }, 'line 4: "seq" must be a positive integer'],
      [{ ...line1, eventId: 42 }, 'line 4: "eventId" must be a string'],
      [{ ...line1, orgId: '' }, 'line 4: "orgId" must not be empty'],
      [[line1], 'line 4: expected a JSON object'],
    ];
    for (const [value, message] of cases) {
      expect(() => parseExportLine(JSON.stringify(value), 4)).toThrow(message);
    }
    await expect(collect(parseExportLines(linesOf('', '', '', JSON.stringify(withoutHash))))).rejects.toThrow(
      new ExportFormatError(4, 'missing member "hash"'),
    );
  });

  it('accepts a null payload', () => {
    const nullPayload = { ...line1, payload: null };
    expect(parseExportLine(JSON.stringify(nullPayload), 1).payload).toBeNull();
  });
});
