import { canonicalize, type JsonValue } from './jcs';
import type { ExportLine } from './chain';

/**
 * The NDJSON export: one entry a line, members in the design's order
 * `orgId, seq, eventId, type, occurredAt, payload, prevHash, hash`, with the payload in its canonical
 * (RFC 8785) form, UTF-8, `\n` after every line. Readers must not rely on member order; writing it
 * fixed makes an export byte-for-byte reproducible.
 */
export function formatExportLine(line: ExportLine): string {
  return (
    '{"orgId":' +
    canonicalize(line.orgId) +
    ',"seq":' +
    canonicalize(line.seq) +
    ',"eventId":' +
    canonicalize(line.eventId) +
    ',"type":' +
    canonicalize(line.type) +
    ',"occurredAt":' +
    canonicalize(line.occurredAt) +
    ',"payload":' +
    canonicalize(line.payload) +
    ',"prevHash":' +
    canonicalize(line.prevHash) +
    ',"hash":' +
    canonicalize(line.hash) +
    '}'
  );
}

/** A line of an export that is not a well-formed entry. `lineNumber` counts from 1. */
export class ExportFormatError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly problem: string,
  ) {
    super(`line ${lineNumber}: ${problem}`);
    this.name = 'ExportFormatError';
  }
}

const STRING_MEMBERS = ['orgId', 'eventId', 'type', 'occurredAt', 'prevHash', 'hash'] as const;

/**
 * Parses one export line. Checks that every member is present with its JSON type; whether the
 * values verify is the chain verifier's business. Unknown members are ignored: they are not hashed,
 * so they carry no weight.
 */
export function parseExportLine(text: string, lineNumber: number): ExportLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ExportFormatError(lineNumber, `malformed JSON (${error instanceof Error ? error.message : 'unknown'})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ExportFormatError(lineNumber, 'expected a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  for (const member of STRING_MEMBERS) {
    const value = record[member];
    if (value === undefined) throw new ExportFormatError(lineNumber, `missing member "${member}"`);
    if (typeof value !== 'string') throw new ExportFormatError(lineNumber, `"${member}" must be a string`);
  }
  if (record.seq === undefined) throw new ExportFormatError(lineNumber, 'missing member "seq"');
  if (typeof record.seq !== 'number' || !Number.isSafeInteger(record.seq) || record.seq < 1) {
    throw new ExportFormatError(lineNumber, '"seq" must be a positive integer');
  }
  if (!('payload' in record)) throw new ExportFormatError(lineNumber, 'missing member "payload"');
  if (record.orgId === '') throw new ExportFormatError(lineNumber, '"orgId" must not be empty');
  return {
    orgId: record.orgId as string,
    seq: record.seq,
    eventId: record.eventId as string,
    type: record.type as string,
    occurredAt: record.occurredAt as string,
    payload: record.payload as JsonValue, // JSON.parse yields JSON values only
    prevHash: record.prevHash as string,
    hash: record.hash as string,
  };
}

/**
 * Parses an export: a whole text (returns an array), or an async iterable of lines such as
 * `readline` over a file (yields entries as they come). Blank lines are skipped; a trailing `\r` is
 * dropped. Errors name the 1-based line number.
 */
export function parseExportLines(text: string): ExportLine[];
export function parseExportLines(lines: AsyncIterable<string>): AsyncGenerator<ExportLine>;
export function parseExportLines(input: string | AsyncIterable<string>): ExportLine[] | AsyncGenerator<ExportLine> {
  if (typeof input !== 'string') return parseLineStream(input);
  const entries: ExportLine[] = [];
  const lines = input.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const entry = parseExportLineOrBlank(lines[index] ?? '', index + 1);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

async function* parseLineStream(lines: AsyncIterable<string>): AsyncGenerator<ExportLine> {
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    const entry = parseExportLineOrBlank(line, lineNumber);
    if (entry !== null) yield entry;
  }
}

/** One line as read from a file: null for a blank line, a trailing `\r` dropped. */
export function parseExportLineOrBlank(line: string, lineNumber: number): ExportLine | null {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.trim() === '' ? null : parseExportLine(text, lineNumber);
}
