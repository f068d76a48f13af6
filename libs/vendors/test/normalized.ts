// Test helpers for the vendor normalizers: every successful result a test looks at goes through
// `expectNormalized`, which proves each produced event passes the contracts' JSON Schema check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEvent, validateEvent } from '@cairn/contracts';
import type { FieldError, NormalizeContext, NormalizeResult, NormalizeSuccess } from '../src/index';

export const NOW = new Date('2026-04-18T14:22:18.015Z');
export const CONTEXT: NormalizeContext = { orgId: 'org_test', now: NOW };

/** A fixture as the gateway would hand it over: JSON-parsed, untyped. */
export function fixture(vendorDir: string, name: string): unknown {
  return JSON.parse(readFileSync(path.join(vendorDir, 'fixtures', name), 'utf8')) as unknown;
}

/**
 * Asserts the result is a success and that every event in it is a valid Cairn event
 * (`validateEvent(createEvent(...))`), that `events` carries exactly the spans, retrievals and
 * generations, and that event ids are unique. Returns the success for field-by-field checks.
 */
export function expectNormalized<TResponse>(result: NormalizeResult<TResponse>): NormalizeSuccess<TResponse> {
  if (!result.ok) throw new Error(`expected a normalized result, got errors: ${JSON.stringify(result.errors)}`);
  for (const event of result.events) {
    const validation = validateEvent(createEvent(event, NOW));
    expect(validation.ok ? 'valid' : validation.error).toBe('valid');
  }
  const payloadsOf = (type: string) => result.events.filter((event) => event.type === type).map((e) => e.payload);
  expect(payloadsOf('span.recorded.v1')).toEqual(result.spans);
  expect(payloadsOf('retrieval.recorded.v1')).toEqual(result.retrievals);
  expect(payloadsOf('generation.recorded.v1')).toEqual(result.generations);
  expect(new Set(result.events.map((event) => event.id)).size).toBe(result.events.length);
  return result;
}

/** Asserts the result is a rejection and returns its errors. */
export function expectRejected(result: { ok: true } | { ok: false; errors: FieldError[] }): FieldError[] {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors;
}

/** The paths of the errors, for checks that one bad field yields an error at exactly its path. */
export function errorPaths(result: { ok: true } | { ok: false; errors: FieldError[] }): string[] {
  return expectRejected(result).map((error) => error.path);
}
