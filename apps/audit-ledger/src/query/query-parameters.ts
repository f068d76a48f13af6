import { ApiError } from '@cairn/service-kit';
import type { Parsed } from '../domain/query-params';

/** The parsed query, or a 400 naming every bad parameter. */
export function queryOrBadRequest<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  const fields = [...new Set(parsed.errors.map((error) => error.field))].join(', ');
  throw new ApiError(400, `invalid query parameter(s): ${fields}`, parsed.errors);
}
