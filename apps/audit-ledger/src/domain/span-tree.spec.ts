import { buildSpanTree, type SpanNode, type SpanPlacement } from './span-tree';

const span = (
  spanId: string,
  parentSpanId: string | null,
  startedAt: string | null,
): SpanPlacement<{ id: string }> => ({
  spanId,
  parentSpanId,
  startedAt,
  span: { id: spanId },
});

/** The tree as nested [id, children] pairs, easy to compare. */
const shape = (nodes: SpanNode<{ id: string }>[]): unknown[] => nodes.map((node) => [node.id, shape(node.children)]);

describe('buildSpanTree', () => {
  it('nests spans under their parents, siblings by start time then id', () => {
    const tree = buildSpanTree([
      span('llm', 'root', '2026-04-18T14:00:02.000Z'),
      span('retrieve', 'root', '2026-04-18T14:00:01.000Z'),
      span('root', null, '2026-04-18T14:00:00.000Z'),
      span('tool-b', 'llm', null),
      span('tool-a', 'llm', null),
      span('embed', 'retrieve', '2026-04-18T14:00:01.500Z'),
    ]);
    expect(shape(tree)).toEqual([
      [
        'root',
        [
          ['retrieve', [['embed', []]]],
          [
            'llm',
            [
              ['tool-a', []],
              ['tool-b', []],
            ],
          ],
        ],
      ],
    ]);
  });

  it('makes a span whose parent is missing a root', () => {
    const tree = buildSpanTree([
      span('b', 'not-sent', '2026-04-18T14:00:01.000Z'),
      span('a', null, '2026-04-18T14:00:02.000Z'),
    ]);
    expect(shape(tree)).toEqual([
      ['b', []],
      ['a', []],
    ]);
  });

  it('cuts a parent cycle so every span appears once', () => {
    const tree = buildSpanTree([
      span('x', 'y', '2026-04-18T14:00:00.000Z'),
      span('y', 'x', '2026-04-18T14:00:01.000Z'),
      span('self', 'self', '2026-04-18T14:00:02.000Z'),
    ]);
    expect(shape(tree)).toEqual([
      ['x', [['y', []]]],
      ['self', []],
    ]);
  });

  it('handles a chain deeper than the call stack would allow', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) => span(`s${i}`, i === 0 ? null : `s${i - 1}`, null));
    let depth = 0;
    for (let node = buildSpanTree(spans)[0]; node !== undefined; node = node.children[0]) depth += 1;
    expect(depth).toBe(20_000);
  });
});
