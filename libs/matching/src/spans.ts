import type { CitationSpan } from './types';

/** Sorts spans and merges those that overlap or touch. */
export function mergeSpans(spans: readonly CitationSpan[]): CitationSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: CitationSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) {
      if (span.end > last.end) merged[merged.length - 1] = { start: last.start, end: span.end };
    } else {
      merged.push({ start: span.start, end: span.end });
    }
  }
  return merged;
}
