// Renders k8s/overlays/* with a pinned kustomize, validates every object against Kubernetes' own
// schemas (kubernetes-models ships them compiled; no network at test time) and the two CRDs used
// (KEDA ScaledObject, Strimzi KafkaTopic) with hand-written shape checks, then checks what the
// manifests promise against the code: entry points, ports, probe paths, routes, groups, topics.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ALL_TOPICS, DEFAULT_PARTITION_COUNT, Topics } from '@cairn/contracts';
import { MAX_MESSAGE_BYTES } from '@cairn/kafka';
import { REPO_ROOT, sourceOfBuildOutput } from './build-outputs';
import {
  concretePath,
  consumerGroupsOfApp,
  cpuMillicores,
  defaultPortOf,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  ingressRoute,
  operationsRoutes,
  quantity,
  routesOfApp,
  routesOfController,
  selects,
  servicesOfStartList,
  type IngressPath,
  type K8sObject,
} from './k8s-model';

// v5.8.3 needs Go 1.27; v5.8.2 builds with the Go 1.26 on the project's machines.
const KUSTOMIZE = { module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.2' };
const INSTALL_TIMEOUT_MS = 300_000; // cold (empty Go caches): about 2 min here; warm: no Go at all

/**
 * The pinned kustomize, built once from the Go module proxy into .cache/tools/ (`go install`) and
 * reused after that; the Go build cache makes a rebuild in a fresh clone take seconds.
 */
function kustomizeBinary(): string {
  const directory = path.join(REPO_ROOT, '.cache/tools', `kustomize-${KUSTOMIZE.version}`);
  const binary = path.join(directory, 'kustomize');
  if (existsSync(binary)) return binary;
  mkdirSync(directory, { recursive: true });
  const result = spawnSync('go', ['install', `${KUSTOMIZE.module}@${KUSTOMIZE.version}`], {
    env: { ...process.env, GOBIN: directory, GOFLAGS: '-buildvcs=false' },
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing ? 'the k8s tests need Go (1.26+) on PATH to build kustomize' : `go install: ${result.error.message}`,
    );
  }
  if (result.status !== 0 || !existsSync(binary)) throw new Error(`go install failed:\n${result.stderr}`);
  return binary;
}

const SCHEMAS: Record<string, { validate(this: void, object: unknown): void }> = {};
// kustomize wraps long base64 Secret values over lines; the API server's decoder (Go's) skips the
// newlines, the schema's "byte" format does not, so validate what the server would decode.
const unwrapSecretData = (object: K8sObject): K8sObject =>
  object.kind === 'Secret' && object.data
    ? {
        ...object,
        data: Object.fromEntries(
          Object.entries(object.data as Record<string, string>).map(([key, value]) => [
            key,
            value.replace(/[\r\n]/g, ''),
          ]),
        ),
      }
    : object;
for (const model of [ConfigMap, Namespace, Secret, Service, Deployment, Job, PodDisruptionBudget]) {
  SCHEMAS[`${model.apiVersion}/${model.kind}`] = { validate: (object) => new model(object as never).validate() };
}
for (const model of [HorizontalPodAutoscaler, Ingress, NetworkPolicy]) {
  SCHEMAS[`${model.apiVersion}/${model.kind}`] = { validate: (object) => new model(object as never).validate() };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: Record<string, unknown>;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  affinity?: {
    podAntiAffinity?: {
      preferredDuringSchedulingIgnoredDuringExecution?: {
        podAffinityTerm: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } };
      }[];
    };
  };
}
interface Workload {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
}
interface NetworkPolicyRule {
  from?: { namespaceSelector?: { matchLabels?: Record<string, string> }; ipBlock?: unknown }[];
  to?: { ipBlock?: { cidr: string }; namespaceSelector?: unknown; podSelector?: unknown }[];
  ports?: { port?: string | number; protocol?: string }[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
}
interface ScaledObjectTrigger {
  type: string;
  metadata: Record<string, string>;
}

const SERVICES = ['ingest-gateway', 'correlation', 'matcher', 'alerting', 'audit-ledger'];
const PUBLIC_SERVICES = ['ingest-gateway', 'alerting', 'audit-ledger'];
const LAG_SCALED = ['correlation', 'matcher', 'alerting', 'audit-ledger'];
const INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';
const MONITORING_NAMESPACE = 'monitoring';
const TOPIC_OPERATOR_NAMESPACE = 'kafka';

const OVERLAYS = [
  {
    name: 'dev',
    namespace: 'cairn-dev',
    image: 'cairn:dev',
    /** Secrets the overlay expects to exist already. */
    externalSecrets: [] as string[],
  },
  {
    name: 'prod',
    namespace: 'cairn',
    image: 'registry.example.com/cairn/cairn:0.1.0',
    externalSecrets: ['cairn-postgres'],
  },
];

const read = (relative: string) => readFileSync(path.join(REPO_ROOT, relative), 'utf8');
const spec = <T>(object: K8sObject) => object.spec as T;

describe('the helpers the k8s checks rely on', () => {
  it('parse quantities and routes, and match Ingress paths as Kubernetes does', () => {
    expect(cpuMillicores('250m')).toBe(250);
    expect(cpuMillicores('1')).toBe(1000);
    expect(quantity('512Mi')).toBe(512 * 2 ** 20);
    expect(quantity('1Gi')).toBeGreaterThan(quantity('768Mi'));
    expect(routesOfController("@Controller('v1')\n@Get('traces/:id')\n@Post()")).toEqual([
      { method: 'GET', path: '/v1/traces/:id' },
      { method: 'POST', path: '/v1' },
    ]);
    const paths: IngressPath[] = [
      { path: '/v1/traces', pathType: 'Prefix', service: 'ledger' },
      { path: '/traces/batch', pathType: 'Prefix', service: 'gateway' },
      { path: '/openapi.json', pathType: 'Exact', service: 'gateway' },
    ];
    expect(ingressRoute(paths, '/v1/traces/42')?.service).toBe('ledger');
    expect(ingressRoute(paths, '/v1/traces')?.service).toBe('ledger');
    expect(ingressRoute(paths, '/v1/tracesx')).toBeUndefined();
    expect(ingressRoute(paths, '/traces/batch')?.service).toBe('gateway');
    expect(ingressRoute(paths, '/openapi.json/x')).toBeUndefined();
    expect(selects({ a: '1' }, { a: '1', b: '2' })).toBe(true);
    expect(selects({ a: '1', c: '3' }, { a: '1' })).toBe(false);
  });

  it('include a schema check that refuses what the API server would', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: '8080' }] }] } } },
    };
    expect(() => SCHEMAS['apps/v1/Deployment']!.validate(deployment)).toThrow(/containerPort must be integer/);
    const probe = { httpGet: { path: '/health/live' } }; // no port
    const withProbe = structuredClone(deployment);
    Object.assign(withProbe.spec.template.spec.containers[0]!, { ports: [], livenessProbe: probe });
    expect(() => SCHEMAS['apps/v1/Deployment']!.validate(withProbe)).toThrow(/port/);
  });

  it('agree with the sources about ports, operations routes and consumer groups', () => {
    expect(servicesOfStartList()).toEqual(SERVICES.map((name) => ({ name, port: defaultPortOf(name) })));
    expect(operationsRoutes()).toEqual({ live: '/health/live', ready: '/health/ready', metrics: '/metrics' });
    expect(consumerGroupsOfApp('matcher')).toEqual([{ groupId: 'matcher', topics: [Topics.correlations] }]);
  });
});

describe.each(OVERLAYS)('k8s/overlays/$name', (overlay) => {
  let objects: K8sObject[];
  const all = (kind: string) => objects.filter((object) => object.kind === kind);
  const one = (kind: string, name: string) => {
    const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the ${overlay.name} overlay`);
    return found;
  };
  const workload = (kind: string, name: string) => spec<Workload>(one(kind, name));
  const podSpecs = () =>
    [...all('Deployment'), ...all('Job')].map((object) => ({ name: object.metadata.name, ...spec<Workload>(object) }));
  const mainContainer = (service: string) => workload('Deployment', service).template.spec.containers[0]!;

  beforeAll(() => {
    const started = Date.now();
    const binary = kustomizeBinary();
    const built = spawnSync(binary, ['build', path.join(REPO_ROOT, 'k8s/overlays', overlay.name)], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    if (built.status !== 0) throw new Error(`kustomize build ${overlay.name} failed:\n${built.stderr}`);
    objects = parseAllDocuments(built.stdout).map((document) => document.toJS() as K8sObject);
    if (Date.now() - started > 10_000) process.stderr.write(`kustomize ready in ${Date.now() - started} ms\n`);
  }, INSTALL_TIMEOUT_MS + 60_000);

  it('renders only objects that validate against their Kubernetes schema or a checked CRD', () => {
    expect(objects.length).toBeGreaterThan(30);
    const unknown: string[] = [];
    const invalid: string[] = [];
    for (const object of objects) {
      const key = `${object.apiVersion}/${object.kind}`;
      const schema = SCHEMAS[key];
      if (schema) {
        try {
          schema.validate(unwrapSecretData(object));
        } catch (error) {
          invalid.push(`${key} ${object.metadata.name}: ${(error as Error).message}`);
        }
      } else if (!['keda.sh/v1alpha1/ScaledObject', 'kafka.strimzi.io/v1beta2/KafkaTopic'].includes(key)) {
        unknown.push(key);
      }
      const nameRule = object.kind === 'Service' ? DNS_LABEL : DNS_SUBDOMAIN;
      if (!nameRule.test(object.metadata.name)) invalid.push(`${key}: invalid name ${object.metadata.name}`);
      for (const value of Object.values(object.metadata.labels ?? {})) {
        if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) || value.length > 63) {
          invalid.push(`${key} ${object.metadata.name}: invalid label value ${value}`);
        }
      }
    }
    expect({ unknown, invalid }).toEqual({ unknown: [], invalid: [] });
    const names = objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('puts everything in its namespace, except KafkaTopics, which go where the Topic Operator watches', () => {
    expect(one('Namespace', overlay.namespace)).toBeDefined();
    for (const object of objects) {
      if (object.kind === 'Namespace') continue;
      const expected = object.kind === 'KafkaTopic' ? TOPIC_OPERATOR_NAMESPACE : overlay.namespace;
      expect(`${object.kind}/${object.metadata.name} in ${object.metadata.namespace}`).toBe(
        `${object.kind}/${object.metadata.name} in ${expected}`,
      );
    }
  });

  it('runs one Deployment per service from its built entry point, on its default port', () => {
    expect(
      all('Deployment')
        .map((object) => object.metadata.name)
        .sort(),
    ).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const container = mainContainer(service);
      const port = defaultPortOf(service);
      expect(container.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
      expect(sourceOfBuildOutput(container.command![1]!)).toBe(`apps/${service}/src/main.ts`);
      expect(container.image).toBe(overlay.image);
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(container.env?.find((variable) => variable.name === 'PORT')?.value).toBe(String(port));
      const template = workload('Deployment', service).template;
      expect(template.metadata.annotations?.['prometheus.io/port']).toBe(String(port));
      expect(template.metadata.annotations?.['prometheus.io/path']).toBe(operationsRoutes().metrics);
      const serviceSpec = spec<{ selector: Record<string, string>; ports: { port: number; targetPort: string }[] }>(
        one('Service', service),
      );
      expect(serviceSpec.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
      expect(selects(serviceSpec.selector, template.metadata.labels)).toBe(true);
    }
  });

  it('probes the health endpoints the apps really serve', () => {
    const { live, ready } = operationsRoutes();
    for (const service of SERVICES) {
      const container = mainContainer(service);
      expect({
        service,
        liveness: container.livenessProbe?.httpGet,
        readiness: container.readinessProbe?.httpGet,
        startup: container.startupProbe?.httpGet,
      }).toEqual({
        service,
        liveness: { path: live, port: 'http' },
        readiness: { path: ready, port: 'http' },
        startup: { path: live, port: 'http' },
      });
    }
  });

  it('gives every container requests and limits, and the Node heap room below the memory limit', () => {
    for (const pod of podSpecs()) {
      for (const container of pod.template.spec.containers) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        const where = `${pod.name}/${container.name}`;
        expect({ where, requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({
          where,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
        expect(cpuMillicores(requests.cpu!)).toBeLessThanOrEqual(cpuMillicores(limits.cpu!));
        expect(quantity(requests.memory!)).toBeLessThanOrEqual(quantity(limits.memory!));
        const heap = /--max-old-space-size=(\d+)/.exec(
          container.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '',
        );
        const heapBytes = heap ? Number(heap[1]) * 2 ** 20 : 0;
        expect(heapBytes).toBeLessThanOrEqual(quantity(limits.memory!) * 0.8);
      }
    }
  });

  it('gives pods longer to stop than preStop plus the app bounded drain (SHUTDOWN_TIMEOUT_MS)', () => {
    const configured = all('ConfigMap')
      .map((object) => (object.data as Record<string, string> | undefined)?.SHUTDOWN_TIMEOUT_MS)
      .find((value) => value !== undefined);
    const fallback = /SHUTDOWN_TIMEOUT_MS: number = ([\d_]+)/.exec(read('libs/service-kit/src/config.ts'))?.[1];
    const drainSeconds = Number((configured ?? fallback ?? 'NaN').replace(/_/g, '')) / 1000;
    expect(drainSeconds).toBeGreaterThan(0);
    for (const service of SERVICES) {
      const pod = workload('Deployment', service).template.spec;
      const preStop = pod.containers[0]!.lifecycle?.preStop?.exec?.command ?? [];
      const sleepSeconds = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleepSeconds + drainSeconds + 5);
    }
  });

  it('runs as the image user, non-root, and spreads replicas over nodes', () => {
    const dockerUser = /^USER (\d+)/m.exec(read('Dockerfile'))?.[1];
    for (const pod of podSpecs()) {
      expect({ pod: pod.name, ...pod.template.spec.securityContext }).toMatchObject({
        pod: pod.name,
        runAsNonRoot: true,
        runAsUser: Number(dockerUser),
      });
      for (const container of pod.template.spec.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
      }
    }
    for (const service of SERVICES) {
      const { template } = workload('Deployment', service);
      const terms = template.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(
        terms.some(
          ({ podAffinityTerm }) =>
            podAffinityTerm.topologyKey === 'kubernetes.io/hostname' &&
            selects(podAffinityTerm.labelSelector.matchLabels, template.metadata.labels),
        ),
      ).toBe(true);
    }
  });

  it('reads configuration from the ConfigMap and the database URL from a Secret that exists or is expected', () => {
    const configMaps = new Map(
      all('ConfigMap').map((object) => [object.metadata.name, object.data as Record<string, string>]),
    );
    const secrets = new Map(
      all('Secret').map((object) => [object.metadata.name, object.data as Record<string, string>]),
    );
    const referenced = new Set<string>();
    const missingKeys: string[] = [];
    for (const pod of podSpecs()) {
      for (const container of pod.template.spec.containers) {
        const fromConfig = (container.envFrom ?? []).map((source) => source.configMapRef?.name);
        expect(fromConfig.length).toBe(1);
        const data = configMaps.get(fromConfig[0]!);
        expect(data).toMatchObject({
          KAFKA_BROKERS: expect.stringMatching(/^[^\s:,]+:\d+(,[^\s:,]+:\d+)*$/) as unknown,
        });
        expect(Number(data?.KAFKA_PARTITIONS)).toBe(DEFAULT_PARTITION_COUNT);
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (!ref) continue;
          referenced.add(ref.name);
          if (!overlay.externalSecrets.includes(ref.name) && secrets.get(ref.name)?.[ref.key] === undefined) {
            missingKeys.push(`${ref.name}/${ref.key}`);
          }
        }
      }
    }
    for (const service of SERVICES) {
      expect(mainContainer(service).env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom).toBeDefined();
    }
    expect(missingKeys).toEqual([]);
    expect([...referenced].filter((name) => !secrets.has(name)).sort()).toEqual([...overlay.externalSecrets].sort());
  });

  it('migrates every schema in a Job that runs each entry point with --migrate-only', () => {
    const flag = /MIGRATE_ONLY_FLAG = '([^']+)'/.exec(read('libs/service-kit/src/migrate-only.ts'))?.[1];
    expect(flag).toBe('--migrate-only');
    const job = workload('Job', 'cairn-migrate').template.spec;
    expect(job.containers.map((container) => container.command)).toEqual(
      SERVICES.map((service) => ['node', `dist/apps/${service}/src/main.js`, flag]),
    );
    for (const container of job.containers) expect(container.image).toBe(overlay.image);
  });

  it('scales the gateway on CPU and keeps replicas out of every scaled Deployment', () => {
    const hpa = spec<{
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
      metrics: { type: string; resource?: { name: string } }[];
    }>(one('HorizontalPodAutoscaler', 'ingest-gateway'));
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'ingest-gateway' });
    expect(hpa.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) as unknown }),
    ]);
    expect(hpa.minReplicas).toBeLessThanOrEqual(hpa.maxReplicas);
    expect(all('HorizontalPodAutoscaler')).toHaveLength(1);
    for (const service of SERVICES) expect(workload('Deployment', service).replicas).toBeUndefined();
  });

  it('scales each consumer service on the lag of its own consumer groups, up to the partition count (KEDA)', () => {
    const scaledObjects = all('ScaledObject');
    expect(scaledObjects.map((object) => object.metadata.name).sort()).toEqual([...LAG_SCALED].sort());
    for (const object of scaledObjects) {
      const service = object.metadata.name;
      expect(object.apiVersion).toBe('keda.sh/v1alpha1');
      const so = spec<{
        scaleTargetRef: { name: string; kind?: string };
        minReplicaCount: number;
        maxReplicaCount: number;
        pollingInterval?: number;
        cooldownPeriod?: number;
        triggers: ScaledObjectTrigger[];
      }>(object);
      const known = [
        'scaleTargetRef',
        'minReplicaCount',
        'maxReplicaCount',
        'pollingInterval',
        'cooldownPeriod',
        'advanced',
        'triggers',
      ];
      expect(Object.keys(so).filter((key) => !known.includes(key))).toEqual([]);
      expect(so.scaleTargetRef).toEqual({ name: service });
      expect(Number.isInteger(so.minReplicaCount) && so.minReplicaCount >= 1).toBe(true);
      expect(so.maxReplicaCount).toBe(DEFAULT_PARTITION_COUNT);
      expect(so.minReplicaCount).toBeLessThanOrEqual(so.maxReplicaCount);

      const groups = consumerGroupsOfApp(service);
      const covered = new Set<string>();
      for (const trigger of so.triggers) {
        const metadataKeys = [
          'bootstrapServersFromEnv',
          'consumerGroup',
          'topic',
          'lagThreshold',
          'activationLagThreshold',
          'offsetResetPolicy',
          'allowIdleConsumers',
        ];
        expect(trigger.type).toBe('kafka');
        expect(Object.keys(trigger.metadata).filter((key) => !metadataKeys.includes(key))).toEqual([]);
        expect(Object.values(trigger.metadata).every((value) => typeof value === 'string')).toBe(true);
        expect(trigger.metadata.bootstrapServersFromEnv).toBe('KAFKA_BROKERS');
        expect(trigger.metadata.lagThreshold).toMatch(/^[1-9]\d*$/);
        expect(trigger.metadata.offsetResetPolicy).toBe('earliest'); // the consumers start from the beginning
        const group = groups.find((candidate) => candidate.groupId === trigger.metadata.consumerGroup);
        expect({ service, group: trigger.metadata.consumerGroup, known: group !== undefined }).toEqual({
          service,
          group: trigger.metadata.consumerGroup,
          known: true,
        });
        const { topic } = trigger.metadata;
        expect({ group: group?.groupId, topic, read: topic === undefined || group?.topics.includes(topic) }).toEqual({
          group: group?.groupId,
          topic,
          read: true,
        });
        for (const topic of trigger.metadata.topic === undefined ? (group?.topics ?? []) : [trigger.metadata.topic]) {
          covered.add(`${trigger.metadata.consumerGroup}:${topic}`);
        }
      }
      // Every group of the app (but the small access-key copy, which every HTTP service has) drives scaling.
      const expected = groups
        .filter((group) => !group.groupId.endsWith('-access'))
        .flatMap((group) => group.topics.map((topic) => `${group.groupId}:${topic}`));
      expect([...covered].sort()).toEqual(expected.sort());
      // KEDA reads the brokers from the target container's environment.
      const configMap = all('ConfigMap').find(
        (candidate) => candidate.metadata.name === mainContainer(service).envFrom?.[0]?.configMapRef?.name,
      );
      expect((configMap?.data as Record<string, string> | undefined)?.KAFKA_BROKERS).toBeDefined();
    }
  });

  it('declares every topic for Strimzi with the shared partition count, 16 MiB messages and the ledger kept forever', () => {
    const topics = all('KafkaTopic');
    expect(topics.map((object) => spec<{ topicName: string }>(object).topicName).sort()).toEqual(
      [...ALL_TOPICS].sort(),
    );
    for (const object of topics) {
      expect(object.apiVersion).toBe('kafka.strimzi.io/v1beta2');
      expect(object.metadata.labels?.['strimzi.io/cluster']).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      const topic = spec<{ topicName: string; partitions: number; replicas: number; config: Record<string, unknown> }>(
        object,
      );
      expect(Object.keys(topic).sort()).toEqual(['config', 'partitions', 'replicas', 'topicName']);
      expect(topic.partitions).toBe(DEFAULT_PARTITION_COUNT);
      expect(Number.isInteger(topic.replicas) && topic.replicas >= 1).toBe(true);
      expect(Number(topic.config['max.message.bytes'])).toBe(MAX_MESSAGE_BYTES);
      const minIsr = Number(topic.config['min.insync.replicas']);
      expect(minIsr).toBeLessThanOrEqual(topic.replicas);
      // acks=all must survive one broker down, wherever topics are replicated.
      expect(topic.replicas === 1 || minIsr < topic.replicas).toBe(true);
      const retention = Number(topic.config['retention.ms']);
      expect({ topic: topic.topicName, forever: retention === -1, positive: retention > 0 }).toEqual({
        topic: topic.topicName,
        forever: topic.topicName === Topics.ledger,
        positive: topic.topicName !== Topics.ledger,
      });
    }
  });

  it('routes every public route of the three public services, and nothing else, through the Ingress', () => {
    const ingresses = all('Ingress');
    expect(ingresses).toHaveLength(1);
    const rules = spec<{
      rules: {
        http: {
          paths: {
            path: string;
            pathType: IngressPath['pathType'];
            backend: { service: { name: string; port: { name: string } } };
          }[];
        };
      }[];
    }>(ingresses[0]!).rules;
    const paths: IngressPath[] = rules.flatMap((rule) =>
      rule.http.paths.map((entry) => ({
        path: entry.path,
        pathType: entry.pathType,
        service: entry.backend.service.name,
      })),
    );
    for (const rule of rules) {
      for (const entry of rule.http.paths) {
        expect(entry.backend.service.port).toEqual({ name: 'http' });
        expect(PUBLIC_SERVICES).toContain(entry.backend.service.name);
      }
    }
    const { live, ready, metrics } = operationsRoutes();
    for (const internal of [live, ready, metrics]) expect(ingressRoute(paths, internal)).toBeUndefined();
    const used = new Set<IngressPath>();
    for (const service of SERVICES) {
      for (const route of routesOfApp(service)) {
        const target = ingressRoute(paths, concretePath(route.path));
        const where = `${route.method} ${route.path}`;
        expect({ where, service: target?.service }).toEqual({
          where,
          service: PUBLIC_SERVICES.includes(service) ? service : undefined,
        });
        if (target) used.add(target);
      }
    }
    expect(paths.filter((entry) => !used.has(entry)).map((entry) => entry.path)).toEqual([]);
  });

  it('denies by default and opens only what each service needs', () => {
    const policies = all('NetworkPolicy').map((object) => spec<NetworkPolicySpec>(object));
    const pods = podSpecs().map((pod) => ({ name: pod.name, labels: pod.template.metadata.labels }));
    const selecting = (labels: Record<string, string>) =>
      policies.filter((policy) => selects(policy.podSelector.matchLabels, labels));
    const fromNamespace = (rule: NetworkPolicyRule, namespace: string) =>
      (rule.from ?? []).some(
        (peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace,
      );
    const egressPorts = (labels: Record<string, string>) =>
      new Set(
        selecting(labels).flatMap((policy) =>
          (policy.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => port.port)),
        ),
      );
    const internetEgress = (labels: Record<string, string>) =>
      selecting(labels).some((policy) =>
        (policy.egress ?? []).some((rule) => (rule.to ?? []).some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0')),
      );

    for (const pod of pods) {
      const applied = selecting(pod.labels);
      // A default deny both ways…
      expect(
        applied.some(
          (policy) =>
            policy.policyTypes.includes('Ingress') &&
            policy.policyTypes.includes('Egress') &&
            !policy.ingress &&
            !policy.egress,
        ),
      ).toBe(true);
      // …no rule that lets anyone in, and no `to`-less rule without ports (everything out).
      for (const policy of applied) {
        for (const rule of policy.ingress ?? []) expect(rule.from?.length ?? 0).toBeGreaterThan(0);
        for (const rule of policy.egress ?? [])
          expect((rule.to?.length ?? 0) + (rule.ports?.length ?? 0)).toBeGreaterThan(0);
      }
      // DNS, Kafka and Postgres out.
      for (const port of [53, 9092, 5432])
        expect({ pod: pod.name, port, open: egressPorts(pod.labels).has(port) }).toEqual({
          pod: pod.name,
          port,
          open: true,
        });
      // The internet only for webhook deliveries.
      expect({ pod: pod.name, internet: internetEgress(pod.labels) }).toEqual({
        pod: pod.name,
        internet: pod.name === 'alerting',
      });
    }
    for (const service of SERVICES) {
      const labels = workload('Deployment', service).template.metadata.labels;
      const ingressRules = selecting(labels).flatMap((policy) => policy.ingress ?? []);
      const reachable = ingressRules.some((rule) => fromNamespace(rule, INGRESS_CONTROLLER_NAMESPACE));
      expect({ service, reachableFromIngress: reachable }).toEqual({
        service,
        reachableFromIngress: PUBLIC_SERVICES.includes(service),
      });
      expect(ingressRules.some((rule) => fromNamespace(rule, MONITORING_NAMESPACE))).toBe(true);
      for (const rule of ingressRules) expect(rule.ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
    }
  });

  it('lets at most one pod of a service be disrupted at a time', () => {
    for (const service of SERVICES) {
      const pdb = spec<{ maxUnavailable?: number; selector: { matchLabels: Record<string, string> } }>(
        one('PodDisruptionBudget', service),
      );
      expect(pdb.maxUnavailable).toBe(1);
      expect(selects(pdb.selector.matchLabels, workload('Deployment', service).template.metadata.labels)).toBe(true);
    }
  });
});
