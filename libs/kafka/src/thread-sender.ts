import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TopicMessages } from 'kafkajs';
import type { KafkaConnection } from './client';
import type { Sender } from './producer-sender';

/** What the main thread asks of the publisher thread, and what it answers. */
export type ThreadRequest =
  { id: number; kind: 'connect' | 'disconnect' } | { id: number; kind: 'send'; topicMessages: TopicMessages[] };
export type ThreadReply = { id: number; error?: { name: string; message: string } };
export interface ThreadData {
  connection: KafkaConnection;
  ackTimeoutMs: number;
}

// Beside this file: publisher-thread.ts under the TypeScript hook, .js once built.
const THREAD_ENTRY = path.join(__dirname, `publisher-thread${path.extname(__filename)}`);

/**
 * A `ProducerSender` on a worker thread: the messages cross by structured clone, and each call
 * resolves once the thread says Kafka acknowledged (or rejects with the thread's error). A thread
 * that dies fails what it held and is started again by the next call.
 */
export class ThreadSender implements Sender {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly ackTimeoutMs: number,
  ) {}

  connect(): Promise<void> {
    return this.call({ id: this.nextId++, kind: 'connect' });
  }

  send(topicMessages: TopicMessages[]): Promise<void> {
    return this.call({ id: this.nextId++, kind: 'send', topicMessages });
  }

  async disconnect(): Promise<void> {
    if (!this.worker) return;
    const worker = this.worker;
    try {
      await this.call({ id: this.nextId++, kind: 'disconnect' });
    } finally {
      await worker.terminate();
    }
  }

  private call(request: ThreadRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.thread().postMessage(request);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: ThreadData = { connection: this.connection, ackTimeoutMs: this.ackTimeoutMs };
    const worker = new Worker(THREAD_ENTRY, { workerData: data });
    worker.on('message', ({ id, error }: ThreadReply) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (!error) waiting?.resolve();
      else waiting?.reject(Object.assign(new Error(error.message), { name: error.name }));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the Kafka publisher thread exited (code ${code})`)));
    // The thread never keeps the process alive on its own: shutdown disconnects it explicitly.
    worker.unref();
    return (this.worker = worker);
  }
}
