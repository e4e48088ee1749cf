#!/usr/bin/env node
// `npm test`: every check of every project. Unit tests, lint and typecheck run through Nx (cached);
// integration tests run against the real Redis, Postgres and Kafka, which this script brings up first.
// Ends with one summary line, `tests: N passed, N failed`, and a non-zero exit when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, 'reports/jest');
const nx = join(root, 'node_modules/.bin/nx');
const started = Date.now();

const steps = [
  ['infrastructure (Redis, Postgres, Kafka)', 'bash', ['scripts/infra.sh', 'up']],
  ['lint, typecheck and unit tests', nx, ['run-many', '-t', 'lint', 'typecheck', 'test', '--outputStyle=static']],
  ['integration tests on the real services', nx, ['run-many', '-t', 'test-int', '--parallel=1', '--outputStyle=static']],
];

rmSync(reports, { recursive: true, force: true });
const failedSteps = [];
for (const [label, command, args] of steps) {
  console.log(`\n=== ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (result.status !== 0) {
    failedSteps.push(label);
    if (command === 'bash') break; // without the services the integration tests cannot say anything
  }
}

const totals = { passed: 0, failed: 0, suites: 0 };
const perProject = [];
if (existsSync(reports)) {
  for (const file of readdirSync(reports).filter((name) => name.endsWith('.json')).sort()) {
    const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.suites += report.numTotalTestSuites;
    if (report.numTotalTests > 0) perProject.push(`${file.replace(/\.json$/, '').padEnd(24)} ${String(report.numPassedTests).padStart(4)} passed ${String(report.numFailedTests).padStart(3)} failed`);
  }
}
console.log(`\n=== summary (${Math.round((Date.now() - started) / 1000)} s)\n${perProject.join('\n')}`);
if (failedSteps.length > 0) console.log(`failed: ${failedSteps.join('; ')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(failedSteps.length > 0 || totals.failed > 0 || totals.passed === 0 ? 1 : 0);
