import { DEFAULT_MATCHER_CONFIG, type MatcherConfig } from './config';
import { matchCitations } from './match';
import type { VectorInput } from './types';

/** The answer to one input line: the JSON line to write, and whether the line was processed. */
export interface LineResult {
  readonly json: string;
  readonly ok: boolean;
}

/**
 * Handles one JSON line `{id, output, vectors: [{id, content}]}`: `{id, citations}` on success,
 * `{id?, error}` otherwise (id echoed when it could be read). Blank lines yield undefined.
 */
export function handleLine(line: string, config: MatcherConfig): LineResult | undefined {
  if (line.trim() === '') return undefined;
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return failure(undefined, `invalid JSON: ${messageOf(error)}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return failure(undefined, 'a line must be a JSON object {id, output, vectors}');
  }
  const { id, output, vectors } = request as { id?: unknown; output?: unknown; vectors?: unknown };
  const echoed = typeof id === 'string' || typeof id === 'number' ? id : undefined;
  if (echoed === undefined) return failure(undefined, 'id must be a string or a number');
  if (typeof output !== 'string') return failure(echoed, 'output must be a string');
  const parsed = parseVectors(vectors);
  if (typeof parsed === 'string') return failure(echoed, parsed);
  try {
    return { json: JSON.stringify({ id: echoed, citations: matchCitations(output, parsed, config) }), ok: true };
  } catch (error) {
    return failure(echoed, messageOf(error));
  }
}

/** Reads `--config '<json>'` (overrides of DEFAULT_MATCHER_CONFIG) from command-line arguments. */
export function configFromArgs(args: readonly string[]): Partial<MatcherConfig> {
  const at = args.indexOf('--config');
  if (at < 0) return {};
  const parsed: unknown = JSON.parse(args[at + 1] ?? '');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('--config takes a JSON object');
  }
  const unknown = Object.keys(parsed).filter((key) => !(key in DEFAULT_MATCHER_CONFIG));
  if (unknown.length > 0) throw new TypeError(`unknown config keys: ${unknown.join(', ')}`);
  // Values are checked by resolveMatcherConfig.
  return parsed;
}

function parseVectors(vectors: unknown): VectorInput[] | string {
  if (!Array.isArray(vectors)) return 'vectors must be an array';
  const parsed: VectorInput[] = [];
  for (const [index, vector] of vectors.entries()) {
    if (typeof vector !== 'object' || vector === null) return `vectors[${index}] must be an object`;
    const { id, content } = vector as { id?: unknown; content?: unknown };
    if (typeof id !== 'string') return `vectors[${index}].id must be a string`;
    if (typeof content !== 'string') return `vectors[${index}].content must be a string`;
    parsed.push({ id, content });
  }
  return parsed;
}

function failure(id: string | number | undefined, error: string): LineResult {
  return { json: JSON.stringify(id === undefined ? { error } : { id, error }), ok: false };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
