import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventType, PayloadOf } from '@cairn/contracts';
import type { JsonValue } from '@cairn/ledger';

/** The golden events (fixed ids, timestamps and payloads) in `test/golden/events.json`. */
export interface GoldenEvent {
  type: EventType;
  id: string;
  occurredAt: string;
  payload: PayloadOf<EventType>;
}

export interface GoldenEntry {
  seq: number;
  eventId: string;
  canonical: string;
  prevHash: string;
  hash: string;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(__dirname, file), 'utf8')) as T;

export const goldenEvents = (): GoldenEvent[] => readJson<GoldenEvent[]>('events.json');

/** The chain Python computed for the reference organization (`expected_chain.py --write`). */
export const goldenChain = (): { orgId: string; entries: GoldenEntry[] } => readJson('expected.json');

export const goldenCandidates = () =>
  goldenEvents().map((event) => ({
    entry: { eventId: event.id, type: event.type, occurredAt: event.occurredAt, payload: event.payload as JsonValue },
    source: event,
  }));
