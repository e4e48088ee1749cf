#!/usr/bin/env node
// bench/fetch: a resync's listing cost against the GitHub simulator.
//
// Lists 10,000 repositories and their 50,000 pull requests (open and closed) through the App client, twice,
// with the ETag cache in the real Redis. Prints wall time, the requests made against the minimum number of
// pages such a listing needs (one per 100 items per listing, at least one per listing), and for the second,
// identical pass the share answered 304 (free against GitHub's rate limit).
//
//   node bench/fetch/run.mjs [--repos 10000] [--pulls-per-repo 5]
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

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { GithubSimulator } = require('@glint/testing');
const { createGithubAccess, fetchRepositories, fetchPullRequests } = require('@glint/github');
const { loadConfig } = require('@glint/config');
const { createRedisConnection } = require('@glint/queue');

const LISTING_ROUTES = ['GET /orgs/{org}/repos', 'GET /repos/{owner}/{repo}/pulls'];

async function main() {
  // GitHub's 5,000 requests/hour would make this a waiting benchmark (the client waits for the reset, as it
  // should); GHES installations often run with rate limits off, which is what is measured here.
  const simulator = await GithubSimulator.start({
    seed: 42,
    organizations: 1,
    reposPerOrg: REPOS,
    pullRequestsPerRepo: PULLS_PER_REPO,
    rateLimit: { limit: 10_000_000, windowSeconds: 3600 },
  });
  const redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker', 'bench-fetch');
  const etagKeyPrefix = `glint-bench-${randomUUID().slice(0, 8)}:etag:`;
  const config = loadConfig(
    { APP_ID: String(simulator.appId), PRIVATE_KEY: simulator.appPrivateKeyPem, GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' },
    ['mapper'],
  );
  try {
    const passes = [];
    for (const label of ['first pass', 'second pass (unchanged)']) {
      simulator.resetStats();
      const access = createGithubAccess(config.github, { redis, etagKeyPrefix });
      const [installation] = await access.installations();
      const context = { client: access.clientFor(installation.id), organization: installation.accountLogin };
      const started = performance.now();
      let repositories = 0;
      for await (const page of fetchRepositories(context)) repositories += page.length;
      let pulls = 0;
      for await (const page of fetchPullRequests(context, { states: ['open', 'closed'], since: 36_500 })) pulls += page.length;
      const wallSeconds = (performance.now() - started) / 1000;
      const stats = simulator.stats();
      const requests = LISTING_ROUTES.reduce((sum, route) => sum + (stats.byRoute[route] ?? 0), 0);
      passes.push({ label, wallSeconds, repositories, pulls, requests, notModified: stats.notModified, allRequests: stats.requests, memory: process.memoryUsage().rss });
    }

    const organization = simulator.state.organizations[0];
    let minimumPages = Math.max(1, Math.ceil(organization.repos.length / 100));
    for (const repository of organization.repos) {
      const pulls = simulator.state.repoData(repository).pulls;
      const open = pulls.filter((pull) => pull.state === 'open').length;
      minimumPages += Math.max(1, Math.ceil(open / 100)) + Math.max(1, Math.ceil((pulls.length - open) / 100));
    }
    const cacheBytes = await etagBytes(redis, etagKeyPrefix);

    console.log(`\nbench/fetch: ${REPOS} repositories, ${PULLS_PER_REPO} pull requests each, App client with the ETag cache in Redis`);
    console.log('pass'.padEnd(26), 'wall s'.padStart(7), 'repos'.padStart(7), 'pulls'.padStart(7), 'requests'.padStart(9), 'min pages'.padStart(10), 'ratio'.padStart(6), '304s'.padStart(7), '304 share'.padStart(10));
    for (const pass of passes) {
      console.log(
        pass.label.padEnd(26),
        pass.wallSeconds.toFixed(1).padStart(7),
        String(pass.repositories).padStart(7),
        String(pass.pulls).padStart(7),
        String(pass.requests).padStart(9),
        String(minimumPages).padStart(10),
        (pass.requests / minimumPages).toFixed(3).padStart(6),
        String(pass.notModified).padStart(7),
        `${((pass.notModified / pass.allRequests) * 100).toFixed(1)}%`.padStart(10),
      );
    }
    console.log(`ETag cache in Redis: ${(cacheBytes / 1024 / 1024).toFixed(1)} MB (gzipped bodies); bench process RSS ${(passes[1].memory / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    const keys = await redis.keys(`${etagKeyPrefix}*`);
    for (let start = 0; start < keys.length; start += 1000) await redis.del(...keys.slice(start, start + 1000));
    redis.disconnect();
    await simulator.close();
  }
}

async function etagBytes(redis, prefix) {
  const keys = await redis.keys(`${prefix}*`);
  let bytes = 0;
  for (let start = 0; start < keys.length; start += 500) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(start, start + 500)) pipeline.strlen(key);
    for (const [, length] of await pipeline.exec()) bytes += Number(length);
  }
  return bytes;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
