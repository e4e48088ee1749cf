#!/usr/bin/env node
// bench/mapping: the peer's default `repository` and `pull-request` resources over 10,000 realistic payloads,
// through Glint's jq engine (jq 1.8.2 in wasm, worker threads, one entity program per batch), against the same
// program in one Debian jq 1.6 CLI process (libjq, the engine the peer integration uses) as the reference.
// Then one page of 100 repositories of which one maps a property into `def f: f; f` and another into `range(1e12)`,
// with the engine's default time limit: how long until the 98 others are mapped and the 2 reported.
//
//   node bench/mapping/run.mjs [--objects 10000] [--batch 100] [--workers 2]
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const OBJECTS = Number(args.objects ?? 10_000);
const BATCH = Number(args.batch ?? 100);
const WORKERS = Number(args.workers ?? 2);

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { JqEngine, parseAppConfig, ResourceMapper } = require('@glint/mapping');
const entityProgram = require(join(root, 'dist/libs/mapping/src/entities/entity-program.js')).entityProgram;
const examples = require(join(root, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'));

/** `count` objects cloned from the webhook examples' `key` objects, each with its own id, name and number. */
function payloads(key, count) {
  const templates = [];
  for (const { examples: list } of examples) for (const example of list) if (example[key]) templates.push(example[key]);
  return Array.from({ length: count }, (_, index) => {
    const object = structuredClone(templates[index % templates.length]);
    object.id = 1_000_000 + index;
    object.name = `service-${index}`;
    if (object.number !== undefined) object.number = index + 1;
    if (object.head?.repo) object.head.repo.name = `service-${index % 500}`;
    object.__repository = `service-${index % 500}`;
    object.__organization = 'acme';
    return object;
  });
}

async function main() {
  const jq = new JqEngine({ workers: WORKERS, timeoutMs: 60_000 });
  const parsed = await parseAppConfig(readFileSync(join(root, 'libs/mapping/src/defaults/port-app-config.yml'), 'utf8'), jq);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const work = mkdtempSync(join(tmpdir(), 'glint-bench-mapping-'));
  const rows = [];
  try {
    for (const [kind, key] of [['repository', 'repository'], ['pull-request', 'pull_request']]) {
      const resource = parsed.config.resources.find((candidate) => candidate.kind === kind);
      const objects = payloads(key, OBJECTS);
      const averageKb = objects.slice(0, 100).reduce((sum, object) => sum + JSON.stringify(object).length, 0) / 100 / 1024;
      const mapper = new ResourceMapper(resource, parsed.config.resources.indexOf(resource), jq);
      await mapper.map(objects.slice(0, BATCH)); // warm the workers

      const started = performance.now();
      const batches = [];
      for (let start = 0; start < objects.length; start += BATCH) batches.push(objects.slice(start, start + BATCH));
      let entities = 0;
      // As a resync does: pages are mapped concurrently up to the number of workers.
      for (let index = 0; index < batches.length; index += WORKERS) {
        const results = await Promise.all(batches.slice(index, index + WORKERS).map((batch) => mapper.map(batch)));
        entities += results.reduce((sum, result) => sum + result.entities.length, 0);
      }
      const glintSeconds = (performance.now() - started) / 1000;

      const input = join(work, `${kind}.jsonl`);
      writeFileSync(input, objects.map((object) => JSON.stringify(object)).join('\n'));
      const cliStarted = performance.now();
      const cli = spawnSync('jq', ['-c', entityProgram(resource.port.entity.mappings), input], { maxBuffer: 1024 * 1024 * 1024 });
      const cliSeconds = (performance.now() - cliStarted) / 1000;
      if (cli.status !== 0) throw new Error(`jq CLI failed: ${cli.stderr}`);
      const cliEntities = cli.stdout.toString('utf8').split('\n').filter(Boolean).length;
      rows.push({ kind, averageKb, entities, glintRate: entities / glintSeconds, cliEntities, cliRate: cliEntities / cliSeconds });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await jq.close();
  }

  const runaway = await runawayPage(parsed.config);

  const version = execFileSync('jq', ['--version']).toString().trim();
  console.log(`\nbench/mapping: ${OBJECTS} objects per resource, batches of ${BATCH}, ${WORKERS} jq workers; reference: ${version} CLI, one process`);
  console.log('resource'.padEnd(14), 'avg KB'.padStart(7), 'entities'.padStart(9), 'glint /s'.padStart(10), 'jq CLI /s'.padStart(10), 'ratio'.padStart(7));
  for (const row of rows) {
    console.log(row.kind.padEnd(14), row.averageKb.toFixed(1).padStart(7), String(row.entities).padStart(9), Math.round(row.glintRate).toString().padStart(10), Math.round(row.cliRate).toString().padStart(10), (row.glintRate / row.cliRate).toFixed(2).padStart(7));
  }
  console.log(`\na page of 100 repositories, 2 of them runaways, time limit ${runaway.timeLimitSeconds} s per object: ${runaway.entities} entities, ${runaway.skipped.length} skipped in ${runaway.seconds.toFixed(2)} s`);
  for (const issue of runaway.skipped) console.log(`  ${issue.object}: ${issue.message}`);
}

/** One page whose `bad1` runs forever and `bad2` fills jq's memory, through an engine with the default time limit. */
async function runawayPage(config) {
  const jq = new JqEngine({ workers: WORKERS });
  try {
    const resource = config.resources.find((candidate) => candidate.kind === 'repository');
    const label = 'if .name == "bad1" then (def f: f; f) elif .name == "bad2" then range(1e12) else .name end';
    const withLabel = { ...resource, port: { ...resource.port, entity: { mappings: { ...resource.port.entity.mappings, properties: { ...resource.port.entity.mappings.properties, label } } } } };
    const mapper = new ResourceMapper(withLabel, 0, jq);
    const objects = payloads('repository', 100);
    Object.assign(objects[17], { name: 'bad1', html_url: 'https://github.com/acme/bad1' });
    Object.assign(objects[62], { name: 'bad2', html_url: 'https://github.com/acme/bad2' });
    await mapper.map(payloads('repository', 100)); // warm the workers
    const started = performance.now();
    const result = await mapper.map(objects);
    return { entities: result.entities.length, skipped: result.skipped, seconds: (performance.now() - started) / 1000, timeLimitSeconds: 5 };
  } finally {
    await jq.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
