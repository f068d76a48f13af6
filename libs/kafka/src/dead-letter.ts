import type { KafkaMessage } from 'kafkajs';
import { createEvent, deterministicId, type EventOf } from '@cairn/contracts';

/** Where a message came from, for its dead letter. */
export interface MessageOrigin {
  groupId: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
}

const UNKNOWN_ORG = '_unknown';

function orgIdOf(value: string, key: string | undefined): string {
  try {
    const parsed = JSON.parse(value) as { orgId?: unknown };
    if (typeof parsed.orgId === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(parsed.orgId)) return parsed.orgId;
  } catch {
    // Not JSON: fall back to the message key, which producers set to the organization id.
  }
  return key && /^[A-Za-z0-9_.-]{1,64}$/.test(key) ? key : UNKNOWN_ORG;
}

/**
 * The `cairn.dlq.v1` record for a message a consumer gave up on. Its id is derived from the
 * origin, so a consumer that dead-letters the same message twice (after a crash) yields one id.
 */
export function deadLetterEvent(
  origin: MessageOrigin,
  error: string,
  attempts: number,
  now: Date,
): EventOf<'message.dead-lettered.v1'> {
  const raw = origin.message.value ?? Buffer.alloc(0);
  const text = raw.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(raw);
  const key = origin.message.key?.toString('utf8');
  return createEvent(
    {
      id: deterministicId('dead-letter', origin.groupId, origin.topic, String(origin.partition), origin.message.offset),
      type: 'message.dead-lettered.v1',
      orgId: orgIdOf(text, key),
      occurredAt: now.toISOString(),
      payload: {
        consumerGroup: origin.groupId,
        topic: origin.topic,
        partition: origin.partition,
        offset: origin.message.offset,
        ...(key === undefined ? {} : { key }),
        value: isUtf8 ? text : raw.toString('base64'),
        valueEncoding: isUtf8 ? 'utf8' : 'base64',
        error: error.slice(0, 4_000),
        attempts,
        failedAt: now.toISOString(),
      },
    },
    now,
  );
}
