#!/usr/bin/env node
// `npm start`: the whole product on one machine. Brings the local infrastructure up (Redis, Postgres,
// Kafka), builds, and runs all five services in one Node process against the embedded catalog.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

run('bash', ['scripts/infra.sh', 'up']);
run(process.execPath, ['scripts/build.mjs']);

const env = { ...process.env };
if (!env.WEBHOOK_SECRET) {
  env.WEBHOOK_SECRET = 'glint-local-development-secret';
  console.warn('start: WEBHOOK_SECRET is not set; using the local development secret "glint-local-development-secret"');
}
env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/glint';

const child = spawn(process.execPath, ['--max-semi-space-size=64', '--enable-source-maps', 'dist/glint', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['all'])], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
