// The worker thread behind `ThreadSender`: a Kafka client and producer of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from './client';
import { ProducerSender } from './producer-sender';
import type { ThreadData, ThreadReply, ThreadRequest } from './thread-sender';

const { connection, ackTimeoutMs } = workerData as ThreadData;
const sender = new ProducerSender(createKafka(connection), ackTimeoutMs);

parentPort?.on('message', (request: ThreadRequest) => {
  const done =
    request.kind === 'send'
      ? sender.send(request.topicMessages)
      : request.kind === 'connect'
        ? sender.connect()
        : sender.disconnect();
  done.then(
    () => parentPort?.postMessage({ id: request.id } satisfies ThreadReply),
    (error: unknown) => {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      parentPort?.postMessage({ id: request.id, error: { name, message } } satisfies ThreadReply);
    },
  );
});
