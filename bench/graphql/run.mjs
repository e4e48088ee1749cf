#!/usr/bin/env node
// bench/graphql: a resync's repository and pull-request listings through GraphQL, under GitHub.com's limits.
//
// The shipped mapping's listings (repositories with README.md and CODEOWNERS, open pull requests) of one organization
// on the GitHub simulator with GitHub.com's limits (primary per token, secondary in flight and points a minute,
// GraphQL's own points) and GitHub's latency, through the App client with the limits shared in Redis. Prints wall
// time, GraphQL queries and points, REST requests, and the REST requests the same listings take (one listing page per
// 100 repositories, two file reads and one pull listing per repository), which at GitHub.com's 12,500 an hour is the
// time REST needs at best.
//
//   node bench/graphql/run.mjs [--repos 10000] [--pulls-per-repo 5] [--latency 75] [--concurrency 20]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const REPOS = Number(args.repos ?? 10_000);
const PULLS_PER_REPO = Number(args['pulls-per-repo'] ?? 5);
const LATENCY_MS = Number(args.latency ?? 75);
const CONCURRENCY = Number(args.concurrency ?? 20);
const FILES = ['README.md', 'CODEOWNERS'];
const REST_REQUESTS_PER_HOUR = 12_500;

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { GithubSimulator } = require('@glint/testing');
const { createGithubAccess, fetchRepositoriesGraphql, fetchPullRequestsGraphql } = require('@glint/github');
const { loadConfig } = require('@glint/config');
const { createRedisConnection } = require('@glint/queue');

async function main() {
  const simulator = await GithubSimulator.start({
    seed: 42,
    organizations: 1,
    reposPerOrg: REPOS,
    pullRequestsPerRepo: PULLS_PER_REPO,
    limits: 'github.com',
    latencyMs: LATENCY_MS,
    latencyJitterMs: Math.floor(LATENCY_MS / 3),
  });
  const redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer', 'bench-graphql');
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const config = loadConfig(
    { APP_ID: String(simulator.appId), PRIVATE_KEY: simulator.appPrivateKeyPem, GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http', GITHUB_MAX_CONCURRENCY: String(CONCURRENCY) },
    ['mapper'],
  );
  const limitsKeyPrefix = `glint-bench-${randomUUID().slice(0, 8)}:limits:`;
  try {
    const access = createGithubAccess(config.github, { limitsRedis: redis, limitsKeyPrefix });
    const [installation] = await access.installations();
    const context = { client: access.clientFor(installation.id), graphql: access.graphqlFor(installation.id), organization: installation.accountLogin, concurrency: CONCURRENCY, log: (line) => console.log(`  ${line}`) };
    simulator.resetStats();
    const rows = [];
    for (const [label, listing] of [
      ['repositories + 2 files', () => fetchRepositoriesGraphql(context, { includedFiles: FILES })],
      ['open pull requests', () => fetchPullRequestsGraphql(context, { states: ['open'] })],
    ]) {
      const before = { ...simulator.stats(), graphql: { ...simulator.stats().graphql } };
      const started = performance.now();
      let objects = 0;
      for await (const page of listing()) objects += page.length;
      const after = simulator.stats();
      rows.push({
        label,
        seconds: (performance.now() - started) / 1000,
        objects,
        queries: after.graphql.queries - before.graphql.queries,
        points: after.graphql.points - before.graphql.points,
        rest: restRequests(after) - restRequests(before),
        refused: after.refusedPrimary + after.refusedSecondary - before.refusedPrimary - before.refusedSecondary,
      });
    }
    const repositories = rows[0].objects;
    const restEquivalent = Math.ceil(repositories / 100) + repositories * FILES.length + repositories;

    console.log(`\nbench/graphql: ${REPOS} repositories, ${PULLS_PER_REPO} pull requests each (open and closed), GitHub.com limits, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}`);
    console.log('listing'.padEnd(24), 'wall s'.padStart(7), 'objects'.padStart(8), 'queries'.padStart(8), 'points'.padStart(7), 'REST'.padStart(6), 'refused'.padStart(8));
    for (const row of rows) {
      console.log(row.label.padEnd(24), row.seconds.toFixed(1).padStart(7), String(row.objects).padStart(8), String(row.queries).padStart(8), String(row.points).padStart(7), String(row.rest).padStart(6), String(row.refused).padStart(8));
    }
    const total = rows.reduce((sum, row) => sum + row.seconds, 0);
    console.log(`total ${total.toFixed(1)} s through GraphQL; the same listings through REST: ${restEquivalent} requests, at least ${((restEquivalent / REST_REQUESTS_PER_HOUR) * 60).toFixed(0)} min at ${REST_REQUESTS_PER_HOUR}/h`);
  } finally {
    const keys = await redis.keys(`${limitsKeyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await simulator.close();
  }
}

function restRequests(stats) {
  return Object.entries(stats.byRoute).filter(([route]) => !/^POST \/(api\/)?graphql$/.test(route)).reduce((sum, [, count]) => sum + count, 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
