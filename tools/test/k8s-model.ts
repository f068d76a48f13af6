// Pure helpers for tools/test/k8s.spec.ts: what the sources say (ports, routes, consumer groups)
// and small Kubernetes semantics (quantities, label selectors, Ingress path matching).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMAIN_TOPICS, Topics } from '@cairn/contracts';
import { REPO_ROOT } from './build-outputs';

/** A Kubernetes object as rendered: only the fields every object has are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const read = (relative: string) => readFileSync(path.join(REPO_ROOT, relative), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec)\.ts$/.test(entry.name) ? [relative] : [];
  });
}

/** The port a service listens on when PORT is unset: `defaultPort` in its main.ts. */
export function defaultPortOf(service: string): number {
  const match = /defaultPort: (\d+)/.exec(read(`apps/${service}/src/main.ts`));
  if (!match) throw new Error(`apps/${service}/src/main.ts names no defaultPort`);
  return Number(match[1]);
}

/** The five services and ports of tools/services.mjs (the list `npm start` uses). */
export function servicesOfStartList(): { name: string; port: number }[] {
  return [...read('tools/services.mjs').matchAll(/\{ name: '([\w-]+)', port: (\d+) \}/g)].map((match) => ({
    name: match[1]!,
    port: Number(match[2]),
  }));
}

export interface Route {
  method: string;
  path: string;
}

/** The routes a Nest controller source declares: `@Controller(prefix)` + `@Get|Post|…(sub)`. */
export function routesOfController(source: string): Route[] {
  const prefix = /@Controller\((?:'([^']*)')?\)/.exec(source);
  if (!prefix) return [];
  return [...source.matchAll(/@(Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map((match) => ({
    method: match[1]!.toUpperCase(),
    path: `/${[prefix[1] ?? '', match[2] ?? ''].filter((part) => part !== '').join('/')}`,
  }));
}

/** Every HTTP route of an app, from its `*.controller.ts` files. */
export function routesOfApp(service: string): Route[] {
  return sourceFiles(`apps/${service}/src`)
    .filter((file) => file.endsWith('.controller.ts'))
    .flatMap((file) => routesOfController(read(file)));
}

/** Routes every service gets from libs/service-kit (health and metrics controllers). */
export function operationsRoutes(): { live: string; ready: string; metrics: string } {
  const health = routesOfController(read('libs/service-kit/src/health.controller.ts'));
  const metrics = routesOfController(read('libs/service-kit/src/metrics.controller.ts'));
  const find = (routes: Route[], suffix: string) => {
    const route = routes.find((candidate) => candidate.method === 'GET' && candidate.path.endsWith(suffix));
    if (!route) throw new Error(`no GET …${suffix} route in libs/service-kit`);
    return route.path;
  };
  return { live: find(health, '/live'), ready: find(health, '/ready'), metrics: find(metrics, '/metrics') };
}

export interface ConsumerGroup {
  groupId: string;
  topics: string[];
}

/**
 * The consumer groups an app registers (`registerConsumer({ groupId, topics, … })`), with config
 * defaults (`X_GROUP_ID: string = '…'`) and topic constants resolved.
 */
export function consumerGroupsOfApp(service: string): ConsumerGroup[] {
  const config = read(`apps/${service}/src/config.ts`);
  const defaults = new Map([...config.matchAll(/(\w+_GROUP_ID): string = '([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
  const resolveGroup = (expression: string) => {
    const literal = /^'([^']+)'$/.exec(expression);
    if (literal) return literal[1]!;
    const configured = /^`?(?:\$\{)?config\.(\w+)\}?([^`]*)`?$/.exec(expression);
    const value = configured && defaults.get(configured[1]!);
    if (value === undefined || configured === null) throw new Error(`${service}: cannot resolve groupId ${expression}`);
    return `${value}${configured[2] ?? ''}`;
  };
  const topicNames = Topics as Record<string, string>;
  const resolveTopics = (expression: string) => {
    if (expression === 'DOMAIN_TOPICS') return [...DOMAIN_TOPICS];
    const list = /^\[(.*)\]$/.exec(expression.trim());
    if (!list) throw new Error(`${service}: cannot resolve topics ${expression}`);
    return list[1]!.split(',').map((item) => {
      const topic = topicNames[item.trim().replace(/^Topics\./, '')];
      if (topic === undefined) throw new Error(`${service}: unknown topic ${item}`);
      return topic;
    });
  };
  return sourceFiles(`apps/${service}/src`).flatMap((file) =>
    [...read(file).matchAll(/registerConsumer\(\{\s*groupId: ([^,\n]+),\s*topics: ([^\n]+?),?\n/g)].map((match) => ({
      groupId: resolveGroup(match[1]!.trim()),
      topics: resolveTopics(match[2]!.trim().replace(/,$/, '')),
    })),
  );
}

/** CPU in millicores and memory in bytes, from a Kubernetes quantity. */
export function quantity(value: string | number): number {
  const text = String(value);
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(text);
  if (!match) throw new Error(`unsupported quantity ${text}`);
  const factors: Record<string, number> = { m: 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 };
  const number = Number(match[1]);
  // A bare CPU number is cores: return millicores so `1` and `1000m` compare equal.
  return match[2] === undefined ? number : number * factors[match[2]]!;
}

export function cpuMillicores(value: string | number): number {
  return /m$/.test(String(value)) ? quantity(value) : quantity(value) * 1000;
}

export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

export interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  service: string;
}

/** The Ingress path a request path is routed by: exact matches first, then the longest prefix (by path element). */
export function ingressRoute(paths: readonly IngressPath[], requestPath: string): IngressPath | undefined {
  const exact = paths.find((candidate) => candidate.pathType === 'Exact' && candidate.path === requestPath);
  if (exact) return exact;
  return paths
    .filter(
      (candidate) =>
        candidate.pathType === 'Prefix' &&
        (requestPath === candidate.path || requestPath.startsWith(`${candidate.path.replace(/\/$/, '')}/`)),
    )
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** A concrete path for a route pattern (`/v1/traces/:id` → `/v1/traces/x`). */
export function concretePath(pattern: string): string {
  return pattern.replace(/:[^/]+/g, 'x');
}

/** RFC 1123 subdomain, the rule for most object names; Services need an RFC 1035 label. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_LABEL = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
