import { Metrics } from './metrics';

const lines = async (metrics: Metrics, prefix: string) =>
  (await metrics.render()).split('\n').filter((line) => line.startsWith(prefix));

describe('Metrics', () => {
  it('counts HTTP requests and their latency by method, route pattern and status', async () => {
    const metrics = new Metrics('test', { processMetrics: false });
    metrics.observeHttp('POST', '/v1/traces/:id', 200, 0.02);
    metrics.observeHttp('POST', '/v1/traces/:id', 200, 0.2);
    metrics.observeHttp('GET', 'unmatched', 404, 0.001);
    expect(await lines(metrics, 'cairn_http_requests_total')).toEqual([
      'cairn_http_requests_total{method="POST",route="/v1/traces/:id",status="200"} 2',
      'cairn_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    ]);
    expect(await lines(metrics, 'cairn_http_request_duration_seconds_count')).toHaveLength(2);
  });

  it('turns consumer and publisher hooks into per-group and per-topic series', async () => {
    const metrics = new Metrics('test', { processMetrics: false });
    const consumer = metrics.consumerObserver('matcher');
    consumer.batchApplied?.('cairn.correlations.v1', 3, 25, 40);
    consumer.handled?.('cairn.correlations.v1', 25, 30);
    consumer.deadLettered?.('cairn.correlations.v1', 'bad');
    consumer.error?.('handler failed', new Error('x'));
    const publisher = metrics.publisherObserver();
    publisher.published?.('cairn.citations.v1', 4, 12);
    publisher.failed?.(2, new Error('down'));
    const text = await metrics.render();
    expect(text).toContain('cairn_consumer_messages_total{group="matcher",topic="cairn.correlations.v1"} 25');
    expect(text).toContain(
      'cairn_consumer_batch_duration_seconds_sum{group="matcher",topic="cairn.correlations.v1"} 0.04',
    );
    expect(text).toContain(
      'cairn_consumer_handler_duration_seconds_count{group="matcher",topic="cairn.correlations.v1"} 1',
    );
    expect(text).toContain('cairn_consumer_dead_lettered_total{group="matcher",topic="cairn.correlations.v1"} 1');
    expect(text).toContain('cairn_consumer_errors_total{group="matcher"} 1');
    expect(text).toContain('cairn_events_published_total{topic="cairn.citations.v1"} 4');
    expect(text).toContain('cairn_publish_failures_total 2');
  });

  it('lets apps add their own instruments, once per name, with scrape-time collection', async () => {
    const metrics = new Metrics('audit-ledger', { processMetrics: false });
    const head = metrics.gauge('cairn_ledger_head_seq', 'Last sequence number per organization', ['org']);
    expect(metrics.gauge('cairn_ledger_head_seq', 'again', ['org'])).toBe(head);
    head.set({ org: 'acme' }, 42);
    const deliveries = metrics.counter('cairn_webhook_deliveries_total', 'Webhook attempts', ['outcome']);
    deliveries.inc({ outcome: 'delivered' });
    let scrapes = 0;
    metrics.gauge('cairn_scrapes', 'Scrapes so far', [], async (gauge) => {
      scrapes += 1;
      gauge.set(await Promise.resolve(scrapes));
    });
    expect(() => metrics.counter('cairn_ledger_head_seq', 'a counter now')).toThrow('another type');
    const text = await metrics.render();
    expect(text).toContain('cairn_ledger_head_seq{org="acme"} 42');
    expect(text).toContain('cairn_webhook_deliveries_total{outcome="delivered"} 1');
    expect(text).toContain('cairn_scrapes 1');
    expect(text).toContain('cairn_service_info{service="audit-ledger"} 1');
  });
});
