// `node -r ./tools/register.cjs file.ts` runs TypeScript sources directly (scripts, benchmarks,
// CLIs in development) with the same SWC options as the build.
const fs = require('node:fs');
const swc = require('@swc/core');
const { swcOptions } = require('./swc-options.cjs');

require('reflect-metadata');
const options = { ...swcOptions(), sourceMaps: 'inline', swcrc: false };
require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
