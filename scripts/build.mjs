#!/usr/bin/env node
// Compiles every app and lib with swc into dist/ (one tree, as the image ships it) and makes each
// `@glint/<name>` import resolvable at run time through dist/node_modules/@glint/<name>.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/@swc/cli/bin/swc.js'),
    'apps',
    'libs',
    '--out-dir',
    'dist',
    '--config-file',
    '.swcrc',
    '--ignore',
    '**/*.spec.ts,**/*.int-spec.ts,**/*.spec-helper.ts,**/*.fixture.js,**/jest.config.js,**/jest.int.config.js',
    '--copy-files',
    '--quiet',
  ],
  { cwd: root, stdio: 'inherit' },
);

const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
for (const [alias, [entry]] of Object.entries(paths)) {
  const packageDir = join(dist, 'node_modules', alias);
  mkdirSync(packageDir, { recursive: true });
  const main = relative(packageDir, join(dist, entry.replace(/\.ts$/, '.js')));
  writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify({ name: alias, private: true, main }, null, 2)}\n`);
}
writeFileSync(join(dist, 'glint'), '#!/usr/bin/env node\nrequire(\'./apps/glint/src/main.js\');\n', { mode: 0o755 });
// The checkout's own `glint` bin, linked as npm links a dependency's, so `npx glint` and `npm exec glint` run this
// build; an installed package gets its link from package.json `bin`.
const ownBin = join(root, 'node_modules/.bin/glint');
if (existsSync(dirname(ownBin))) {
  rmSync(ownBin, { force: true });
  symlinkSync('../../dist/glint', ownBin);
}
console.log(`built dist/ in ${Date.now() - started} ms (entry: dist/glint <service|all>)`);
