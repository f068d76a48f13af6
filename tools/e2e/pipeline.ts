/**
 * The five services as real processes on the test stack, under consumer groups of their own, for
 * the end-to-end test and benchmark.
 */
import { DOMAIN_TOPICS, Topics } from '@cairn/contracts';
import { createKafka } from '@cairn/kafka';
import { startGroupAtEnd, startService, testEnvironment, uniqueName, type RunningService } from '@cairn/testing';

export const SERVICE_NAMES = ['ingest-gateway', 'correlation', 'matcher', 'alerting', 'audit-ledger'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Every consumer group of the five services but the access copies (which must read their topic
 * from the start), with the topics it reads: placed at the topics' end, so that a run passes over
 * whatever other suites left on a shared stack.
 */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  correlation: [Topics.ingest],
  matcher: [Topics.correlations],
  'alerting-alerts': [Topics.ingest, Topics.citations],
  'alerting-quarantine': [Topics.vectors],
  'ingest-gateway-quarantine': [Topics.vectors],
  'audit-ledger': DOMAIN_TOPICS,
};

export class Pipeline {
  private readonly running = new Map<ServiceName, RunningService>();

  private constructor(private readonly env: Record<string, string>) {}

  /** Starts the five services; `env` is added to each one's environment. */
  static async start(env: Record<string, string> = {}): Promise<Pipeline> {
    // The run's own groups, so that services of a stack left running do not share its work.
    const suffix = `-${uniqueName('pipeline')}`;
    const kafka = createKafka({ brokers: testEnvironment().kafkaBrokers, clientId: 'pipeline' });
    for (const [group, topics] of Object.entries(GROUPS)) await startGroupAtEnd(kafka, group + suffix, topics);
    const pipeline = new Pipeline({
      CONSUMER_GROUP_SUFFIX: suffix,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      RATE_LIMIT_RPS: '100000',
      RATE_LIMIT_BURST: '100000',
      ...env,
    });
    await Promise.all(SERVICE_NAMES.map((name) => pipeline.launch(name)));
    return pipeline;
  }

  url(name: ServiceName): string {
    const service = this.running.get(name);
    if (service === undefined) throw new Error(`${name} is not running`);
    return service.url;
  }

  /**
   * SIGKILLs the service — no goodbye to Kafka or Postgres — and starts it again on its port;
   * `killed` is told as soon as it is dead.
   */
  async crashAndRestart(name: ServiceName, killed: () => void = () => undefined): Promise<void> {
    const victim = this.running.get(name);
    if (victim === undefined) throw new Error(`${name} is not running`);
    this.running.delete(name);
    await victim.kill('SIGKILL');
    killed();
    await this.launch(name, Number(new URL(victim.url).port));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((service) => service.kill('SIGTERM')));
    this.running.clear();
  }

  private async launch(name: ServiceName, port?: number): Promise<void> {
    const env = port === undefined ? this.env : { ...this.env, PORT: String(port) };
    this.running.set(name, await startService(name, env));
  }
}
