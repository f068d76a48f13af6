import { deterministicId } from '@cairn/contracts';
import {
  anchorId,
  canonicalJson,
  contentDigest,
  derivedEventId,
  sha256Hex,
  spanClientEventId,
  spanEventId,
  spanUpdateEventId,
} from './ids';

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('hashes equal content alike whatever the key order', () => {
    expect(contentDigest({ a: 1, b: 2 })).toBe(contentDigest({ b: 2, a: 1 }));
    expect(contentDigest({ a: 1 })).not.toBe(contentDigest({ a: 2 }));
  });
});

describe('event ids', () => {
  it('derives a span event id from org, vendor, trace and span', () => {
    expect(spanEventId('org_a', 'galtea', 'ir', 's1')).toBe(deterministicId('org_a', 'span', 'galtea', 'ir', 's1'));
    expect(spanEventId('org_b', 'galtea', 'ir', 's1')).not.toBe(spanEventId('org_a', 'galtea', 'ir', 's1'));
  });

  it('derives an update id from the update content, distinct from the span id', () => {
    const id = spanUpdateEventId('org_a', 'parea', 't', 's', { output: 'x', tags: [] });
    expect(spanUpdateEventId('org_a', 'parea', 't', 's', { tags: [], output: 'x' })).toBe(id);
    expect(spanUpdateEventId('org_a', 'parea', 't', 's', { output: 'y' })).not.toBe(id);
    expect(id).not.toBe(spanEventId('org_a', 'parea', 't', 's'));
  });

  it('derives retrieval and generation envelope ids from their clientEventId', () => {
    expect(derivedEventId('org_a', 'retrieval', 'galtea:ir:s')).toBe(
      deterministicId('org_a', 'retrieval', 'galtea:ir:s'),
    );
    expect(derivedEventId('org_a', 'generation', 'galtea:ir:s')).not.toBe(
      derivedEventId('org_a', 'retrieval', 'galtea:ir:s'),
    );
  });
});

describe('spanClientEventId', () => {
  it('is vendor:traceId:spanId when that fits in 128 characters', () => {
    expect(spanClientEventId('honeyhive', 'session-1', 'event-1')).toBe('honeyhive:session-1:event-1');
  });

  it('becomes vendor:sha256:<hex> beyond 128 characters, always the same for the same span', () => {
    const traceId = 't'.repeat(100);
    const id = spanClientEventId('parea', traceId, 's'.repeat(30));
    expect(id).toBe(`parea:sha256:${sha256Hex(`parea:${traceId}:${'s'.repeat(30)}`)}`);
    expect(id.length).toBeLessThanOrEqual(128);
  });
});

describe('anchorId', () => {
  it('keeps ids up to 128 characters and hashes longer ones the same way every time', () => {
    expect(anchorId('run-1')).toBe('run-1');
    expect(anchorId('r'.repeat(129))).toBe(`sha256:${sha256Hex('r'.repeat(129))}`);
  });
});
