// Compiles apps/ and libs/ to dist/ with SWC (type checking is `npm run typecheck`).
import { createRequire } from 'node:module';
import { readdir, mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const { swcOptions, root } = require('./swc-options.cjs');

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (full.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(full) && !full.endsWith('.d.ts')) yield full;
  }
}

const started = Date.now();
const outDir = path.join(root, 'dist');
await rm(outDir, { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs']) {
  for await (const file of sources(path.join(root, top))) {
    if (file.includes(`${path.sep}test${path.sep}`)) continue;
    const relative = path.relative(root, file);
    const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
    const { code, map } = await swc.transformFile(file, { ...swcOptions(), filename: file, outputPath: target });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
console.log(`built ${count} files into dist/ in ${Date.now() - started} ms`);
