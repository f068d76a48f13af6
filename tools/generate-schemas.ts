// Regenerates schemas/*.schema.json from libs/contracts (`npm run schemas`).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSchemaFiles } from '@cairn/contracts';

const dir = path.resolve(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.schema.json')) rmSync(path.join(dir, file));
const files = renderSchemaFiles();
for (const [name, content] of files) writeFileSync(path.join(dir, name), content);
console.log(`wrote ${files.size} schemas to ${dir}`);
