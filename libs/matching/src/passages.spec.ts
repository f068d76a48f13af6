import { mergeSeeds, slideWindow } from './passages';

describe('slideWindow', () => {
  it('finds the best window and the ranges where windows reach the cut-off', () => {
    const contributions = Float64Array.from([5, 0, 0, 5, 0, 0, 0, 0, 0, 9]);
    expect(slideWindow(contributions, 10, 4, 10)).toEqual({ best: 10, covered: [{ first: 0, last: 3 }] });
    expect(slideWindow(contributions, 10, 4, 9)).toEqual({
      best: 10,
      covered: [
        { first: 0, last: 3 },
        { first: 6, last: 9 },
      ],
    });
  });

  it('never sums evidence further apart than the window', () => {
    const contributions = Float64Array.from([6, 0, 0, 0, 6]);
    expect(slideWindow(contributions, 5, 4, 10).best).toBe(6);
    expect(slideWindow(contributions, 5, 5, 10).best).toBe(12);
  });
});

describe('mergeSeeds', () => {
  it('keeps seeds inside covered ranges and joins those within the gap', () => {
    const seeds = [
      { first: 10, last: 12 },
      { first: 0, last: 2 },
      { first: 4, last: 5 },
      { first: 30, last: 31 },
    ];
    expect(mergeSeeds(seeds, [{ first: 0, last: 15 }], 2)).toEqual([
      { first: 0, last: 5 },
      { first: 10, last: 12 },
    ]);
  });
});
