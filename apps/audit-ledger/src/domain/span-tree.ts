/** Where a span sits: its id, its parent's id, and its start (an ISO instant) for ordering siblings. */
export interface SpanPlacement<T> {
  spanId: string;
  parentSpanId: string | null;
  startedAt: string | null;
  span: T;
}

export type SpanNode<T> = T & { children: SpanNode<T>[] };

interface Slot<T> {
  placement: SpanPlacement<T>;
  node: SpanNode<T>;
  children: Slot<T>[];
}

/** By start time (unknown last), then span id: the same order on every read. */
function bySiblingOrder<T>({ placement: a }: Slot<T>, { placement: b }: Slot<T>): number {
  if (a.startedAt !== b.startedAt) {
    if (a.startedAt === null) return 1;
    if (b.startedAt === null) return -1;
    return a.startedAt < b.startedAt ? -1 : 1;
  }
  if (a.spanId === b.spanId) return 0;
  return a.spanId < b.spanId ? -1 : 1;
}

/**
 * Arranges a trace's spans into trees. A span whose parent is not in the trace (not recorded yet, or
 * never sent) is a root; spans caught in a parent cycle, which no root reaches, are cut loose at the
 * first of them in sibling order and become a root there, so every span appears exactly once.
 */
export function buildSpanTree<T extends object>(spans: readonly SpanPlacement<T>[]): SpanNode<T>[] {
  const slots = new Map<string, Slot<T>>();
  for (const placement of spans) {
    slots.set(placement.spanId, { placement, node: { ...placement.span, children: [] }, children: [] });
  }
  const roots: Slot<T>[] = [];
  for (const slot of slots.values()) {
    const { parentSpanId } = slot.placement;
    const parent = parentSpanId === null ? undefined : slots.get(parentSpanId);
    if (parent === undefined || parent === slot) roots.push(slot);
    else parent.children.push(slot);
  }

  const placed = new Set<Slot<T>>();
  const place = (top: Slot<T>) => {
    // Iterative, so a deep chain of spans cannot overflow the stack.
    const stack = [top];
    while (stack.length > 0) {
      const slot = stack.pop()!;
      placed.add(slot);
      slot.children.sort(bySiblingOrder);
      slot.node.children = slot.children.map((child) => child.node);
      stack.push(...slot.children);
    }
  };
  roots.forEach(place);
  for (const slot of [...slots.values()].sort(bySiblingOrder)) {
    if (placed.has(slot)) continue;
    const parent = slots.get(slot.placement.parentSpanId!)!;
    parent.children = parent.children.filter((child) => child !== slot);
    parent.node.children = parent.children.map((child) => child.node);
    roots.push(slot);
    place(slot);
  }
  return roots.sort(bySiblingOrder).map((slot) => slot.node);
}
