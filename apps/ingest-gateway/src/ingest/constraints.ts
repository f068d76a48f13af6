import { registerDecorator, ValidateBy, type ValidationOptions } from 'class-validator';

// The field rules class-validator has no decorator for; buzo.dto.ts applies them.

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 date-time that names its zone (`Z` or an offset) and is a real instant. */
export const IsIsoTimestampWithZone = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isIsoTimestampWithZone',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ISO_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value)),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 timestamp with a zone (e.g. 2026-04-18T14:22:18.015Z)`,
      },
    },
    options,
  );

const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any 8-4-4-4-12 hex id: Buzo's own examples use the nil-like `00000000-…-000000000001`, which no UUID version allows. */
export const IsUuidShaped = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isUuidShaped',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && UUID_SHAPED.test(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a UUID (8-4-4-4-12 hex digits)`,
      },
    },
    options,
  );

/** A byte cap on UTF-8 text: content over it is rejected, never truncated. */
export function MaxUtf8Bytes(max: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be at most ${max} bytes of UTF-8 (oversized content is rejected, not truncated)`,
      },
    },
    options,
  );
}

/** A plain JSON object (not an array, not null). */
export function IsPlainObject(options?: ValidationOptions) {
  return function (target: object, propertyName: string) {
    registerDecorator({
      name: 'isPlainObject',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a JSON object`,
      },
    });
  };
}

/**
 * `results` items (up to 200 per event, 100 events per batch) are checked in one loop rather than
 * as nested DTOs: class-validator spends ~30 µs per nested instance, which made validation the
 * gateway's bottleneck. A message names the item it rejects with a `[i].field: ` prefix, which
 * `flatten` turns into the field path (`results[2].content`).
 */
export function AreRetrievedVectors(maxContentBytes: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'areRetrievedVectors',
      validator: {
        validate: (value: unknown) => Array.isArray(value) && firstVectorProblem(value, maxContentBytes) === undefined,
        defaultMessage: (args) =>
          Array.isArray(args?.value) ? (firstVectorProblem(args.value, maxContentBytes) ?? '') : 'must be an array',
      },
    },
    options,
  );
}

function firstVectorProblem(items: unknown[], maxContentBytes: number): string | undefined {
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as { id?: unknown; score?: unknown; content?: unknown } | null;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `[${index}]: must be an object`;
    for (const key of Object.keys(item)) {
      if (key !== 'id' && key !== 'score' && key !== 'content') return `[${index}].${key}: is not an allowed field`;
    }
    if (typeof item.id !== 'string' || item.id.length === 0 || item.id.length > 256) {
      return `[${index}].id: id must be a non-empty string of at most 256 characters`;
    }
    if (typeof item.score !== 'number' || !Number.isFinite(item.score)) {
      return `[${index}].score: score must be a finite number`;
    }
    if (item.content !== undefined) {
      if (typeof item.content !== 'string') return `[${index}].content: content must be a string`;
      if (Buffer.byteLength(item.content, 'utf8') > maxContentBytes) {
        return `[${index}].content: content must be at most ${maxContentBytes} bytes of UTF-8 (oversized content is rejected, not truncated)`;
      }
    }
  }
  return undefined;
}
