/**
 * The value of the first sample of `name` in a Prometheus text exposition whose labels include `labels`,
 * or undefined when there is none.
 */
export function metricSample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return metricSamples(text, name, labels)[0];
}

/** The sum of every sample of `name` whose labels include `labels` (0 when there is none). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return metricSamples(text, name, labels).reduce((total, value) => total + value, 0);
}

function metricSamples(text: string, name: string, labels: Record<string, string>): number[] {
  const values: number[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m): [string, string] => [m[1]!, m[2]!]),
    );
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) values.push(Number(match[3]));
  }
  return values;
}
