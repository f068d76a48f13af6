// One SWC configuration for the build and for Jest. Path aliases come from tsconfig.base.json,
// so `@cairn/<lib>` is declared once and SWC rewrites it to relative requires at compile time.
const path = require('node:path');
const tsconfig = require('../tsconfig.base.json');

const root = path.resolve(__dirname, '..');

/** @returns {import('@swc/core').Options} */
function swcOptions() {
  return {
    sourceMaps: true,
    module: { type: 'commonjs', strictMode: true },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      baseUrl: root,
      paths: tsconfig.compilerOptions.paths,
    },
  };
}

module.exports = { swcOptions, root };
