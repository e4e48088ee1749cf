// The shared preset, plus what the Kubernetes schema packages need: kubernetes-models and its helpers ship ESM
// only, with `import`-only export maps that jest's CommonJS resolver cannot follow. Their entry points are
// mapped to files here, and @swc/jest compiles them (and is-cidr, cidr-regex) to CommonJS.
const path = require('node:path');
const { jestProject } = require('../jest.preset.js');

const modules = path.join(__dirname, '../node_modules');
const esmPackages = ['kubernetes-models', '@kubernetes-models', 'is-cidr', 'cidr-regex'];

/** @param {'unit' | 'int'} tier */
module.exports = (tier) => {
  const preset = jestProject(__dirname, tier);
  const [ignored] = preset.transformIgnorePatterns;
  return {
    ...preset,
    transformIgnorePatterns: [ignored.replace('(?!(', `(?!(${esmPackages.join('|')}|`)],
    moduleNameMapper: {
      ...preset.moduleNameMapper,
      '^kubernetes-models/(.*)$': `${modules}/kubernetes-models/$1`,
      '^@kubernetes-models/(base|validate)$': `${modules}/@kubernetes-models/$1/dist/index.js`,
      '^@kubernetes-models/validate/runtime/(.*)$': `${modules}/@kubernetes-models/validate/dist/runtime/$1`,
      '^@kubernetes-models/(apimachinery|prometheus-operator)$': `${modules}/@kubernetes-models/$1/index.js`,
      '^@kubernetes-models/(apimachinery|prometheus-operator)/(.*)$': `${modules}/@kubernetes-models/$1/$2`,
    },
  };
};
