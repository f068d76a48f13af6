import type { ValidationError } from 'class-validator';
import { ApiError, type FieldError } from '@cairn/service-kit';
import { classValidatorVerdict, compileCheck } from './dto-checks';

const ITEM_PREFIX = /^(\[\d+\](?:\.\w+)?): (.*)$/s;

function flatten(errors: readonly ValidationError[], path: string, out: { path: string; message: string }[]): void {
  for (const error of errors) {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : `${path ? '.' : ''}${error.property}`;
    const here = `${path}${segment}`;
    for (const message of Object.values(error.constraints ?? {})) {
      const item = ITEM_PREFIX.exec(message);
      out.push(item ? { path: `${here}${item[1]}`, message: item[2]! } : { path: here, message });
    }
    flatten(error.children ?? [], here, out);
  }
}

const checks = new Map<new () => object, (body: object) => boolean>();

/**
 * Validates a request body against a DTO class and returns it typed, or answers 400 with every
 * problem as `{ index, field, message }`: `index` is the event's position in `events`, `field`
 * the path inside it (`results[2].content`). A body the DTO's compiled check accepts is returned
 * as parsed; anything else goes through class-transformer and class-validator, which decide.
 */
export async function validateBody<T extends object>(type: new () => T, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'request body must be a JSON object');
  }
  let check = checks.get(type);
  if (!check) checks.set(type, (check = compileCheck(type)));
  if (check(body)) return body as T;
  const { instance, errors } = await classValidatorVerdict(type, body);
  if (errors.length === 0) return instance;
  const problems: { path: string; message: string }[] = [];
  flatten(errors, '', problems);
  throw invalid(problems.map(({ path, message }) => toFieldError(path, message)));
}

export function toFieldError(path: string, message: string): FieldError {
  const match = /^events\[(\d+)\]\.?(.*)$/.exec(path);
  if (!match) return { field: path, message };
  return { index: Number(match[1]), field: match[2] || 'event', message };
}

export function invalid(errors: FieldError[]): ApiError {
  const first = errors[0];
  const where = first?.index === undefined ? '' : `events[${first.index}].`;
  const detail = first
    ? `invalid batch (nothing was accepted): ${where}${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`
    : 'invalid batch';
  return new ApiError(400, detail, errors);
}
