import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

/** Parses `KAFKA_BROKERS` (`host:port,host:port`). */
export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0 || brokers.some((broker) => !/^[^\s:]+:\d+$/.test(broker))) {
    throw new Error(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${value}"`);
  }
  return brokers;
}

// kafkajs logs connection retries as errors; a service's health endpoint and its own logs say
// more clearly when Kafka is down, so only kafkajs's own warnings and worse are kept, as JSON.
function jsonLogCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, ...extra } = log;
    process.stderr.write(
      `${JSON.stringify({ level: level === logLevel.ERROR ? 'error' : 'warn', source: `kafkajs.${namespace}`, message, ...extra })}\n`,
    );
  };
}

export function createKafka({ brokers, clientId }: KafkaConnection): Kafka {
  const config: KafkaConfig = {
    brokers,
    clientId,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: jsonLogCreator,
  };
  return new Kafka(config);
}
