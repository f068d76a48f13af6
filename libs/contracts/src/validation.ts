import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_REGISTRY, EVENT_TYPES, isEventType, type CairnEvent, type EventType } from './registry';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['date-time', 'uri']);

const validators = new Map<EventType, ValidateFunction>(
  EVENT_TYPES.map((type) => [type, ajv.compile(EVENT_REGISTRY[type].schema)]),
);

export type ValidationResult = { ok: true; event: CairnEvent } | { ok: false; error: string };

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

/** Checks a decoded message against the JSON Schema of its `type`. */
export function validateEvent(value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'message is not a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !isEventType(type)) return { ok: false, error: `unknown event type ${String(type)}` };
  const validate = validators.get(type);
  if (validate?.(value)) return { ok: true, event: value as CairnEvent };
  return { ok: false, error: `${type}: ${describe(validate?.errors)}` };
}

/** Decodes and validates one Kafka message value. */
export function decodeEvent(raw: Buffer | string | null): ValidationResult {
  if (raw === null) return { ok: false, error: 'message has no value' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `value is not JSON: ${(error as Error).message}` };
  }
  return validateEvent(value);
}
