import { correlationEventId } from './ids';

describe('correlationEventId', () => {
  it('is the same for the same organization, generation and retrieval set, in any order', () => {
    const id = correlationEventId('org-1', 'gen-1', ['ret-b', 'ret-a']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(correlationEventId('org-1', 'gen-1', ['ret-a', 'ret-b'])).toBe(id);
    expect(correlationEventId('org-1', 'gen-1', ['ret-a', 'ret-b', 'ret-a'])).toBe(id);
  });

  it('differs when the organization, the generation or the retrieval set differs', () => {
    const id = correlationEventId('org-1', 'gen-1', ['ret-a']);
    expect(correlationEventId('org-2', 'gen-1', ['ret-a'])).not.toBe(id);
    expect(correlationEventId('org-1', 'gen-2', ['ret-a'])).not.toBe(id);
    expect(correlationEventId('org-1', 'gen-1', ['ret-a', 'ret-b'])).not.toBe(id);
    expect(correlationEventId('org-1', 'gen-1', ['ret-b'])).not.toBe(id);
  });

  it('does not let one part run into the next', () => {
    expect(correlationEventId('org-1', 'gen-1', ['ret-a'])).not.toBe(correlationEventId('org-1', 'gen-1ret-a', []));
  });
});
