/** Output content positions [first, last], inclusive. */
export interface Passage {
  readonly first: number;
  readonly last: number;
}

export interface WindowEvidence {
  /** Evidence of the best window. */
  readonly best: number;
  /** Positions covered by windows that reach the cut-off, merged, ascending. */
  readonly covered: Passage[];
}

/**
 * Slides a window of `width` positions over per-position evidence (seeds are credited at their
 * first word): the best window's sum, and where windows reach `minEvidence`.
 */
export function slideWindow(
  contributions: Float64Array,
  count: number,
  width: number,
  minEvidence: number,
): WindowEvidence {
  const covered: Passage[] = [];
  let best = 0;
  let sum = 0;
  for (let end = 0; end < count; end++) {
    sum += contributions[end] ?? 0;
    if (end >= width) sum -= contributions[end - width] ?? 0;
    if (sum > best) best = sum;
    if (sum >= minEvidence) {
      const from = Math.max(0, end - width + 1);
      const last = covered[covered.length - 1];
      // Window ends ascend, so a new window either extends the last range or starts after it.
      if (last && from <= last.last + 1) covered[covered.length - 1] = { first: last.first, last: end };
      else covered.push({ first: from, last: end });
    }
  }
  return { best, covered };
}

/**
 * Joins the seeds that start inside `covered` into passages: seeds no further apart than `gap`
 * positions (an n-gram's own reach) belong to one passage.
 */
export function mergeSeeds(seeds: readonly Passage[], covered: readonly Passage[], gap: number): Passage[] {
  const inside = seeds
    .filter((seed) => covered.some((range) => seed.first >= range.first && seed.first <= range.last))
    .sort((a, b) => a.first - b.first || a.last - b.last);
  const merged: Passage[] = [];
  for (const seed of inside) {
    const last = merged[merged.length - 1];
    if (last && seed.first <= last.last + gap) {
      merged[merged.length - 1] = { first: last.first, last: Math.max(last.last, seed.last) };
    } else {
      merged.push(seed);
    }
  }
  return merged;
}
