import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * The TypeScript source that `tools/build.mjs` compiles to a `dist/` file (it mirrors apps/ and
 * libs/ into dist/, .ts → .js), or undefined for a path that is no build output of a source here.
 */
export function sourceOfBuildOutput(output: string): string | undefined {
  const match = /^dist\/((?:apps|libs)\/.+)\.js$/.exec(output);
  if (!match) return undefined;
  const source = `${match[1]}.ts`;
  return existsSync(path.join(REPO_ROOT, source)) ? source : undefined;
}

/** Whether a Node version `major.minor[.patch]` satisfies an engines range of the form `>=a.b.c <d`. */
export function satisfiesEngines(version: string, range: string): boolean {
  const parse = (text: string) => text.split('.').map((part) => Number(part));
  const bounds = /^>=(\d+(?:\.\d+){0,2})\s+<(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!bounds) throw new Error(`unsupported engines range "${range}"`);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i += 1) {
      const difference = (a[i] ?? 0) - (b[i] ?? 0);
      if (difference !== 0) return difference;
    }
    return 0;
  };
  const [min, max] = [parse(bounds[1]!), parse(bounds[2]!)];
  // An image tag without a patch (node:20.20) floats over patches: its lowest, x.y.0, must satisfy.
  const given = parse(version);
  return compare(given, min) >= 0 && compare(given, max) < 0;
}
