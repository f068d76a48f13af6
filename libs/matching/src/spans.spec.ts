import { mergeSpans } from './spans';

describe('mergeSpans', () => {
  it('sorts and merges overlapping and touching spans, keeping gaps', () => {
    expect(
      mergeSpans([
        { start: 20, end: 30 },
        { start: 0, end: 5 },
        { start: 5, end: 8 },
        { start: 25, end: 27 },
        { start: 10, end: 12 },
      ]),
    ).toEqual([
      { start: 0, end: 8 },
      { start: 10, end: 12 },
      { start: 20, end: 30 },
    ]);
  });

  it('returns an empty list for no spans', () => {
    expect(mergeSpans([])).toEqual([]);
  });
});
