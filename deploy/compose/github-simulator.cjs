#!/usr/bin/env node
'use strict';
/**
 * The GitHub simulator for the docker compose `simulator` profile, run from the Glint image with the build in
 * ./dist. The simulator itself (libs/testing) listens on 127.0.0.1 only and writes its own 127.0.0.1 address into
 * Link headers and payload URLs, which other containers cannot reach; this launcher starts it and serves it on
 * GITHUB_SIM_HOST:GITHUB_SIM_PORT under GITHUB_SIM_PUBLIC_URL instead (the address Glint has in GHE_HOST), with
 * those URLs rewritten. Glint authenticates with GITHUB_SIM_TOKEN as its GITHUB_TOKEN (PAT mode): the launcher
 * swaps it for a token the simulator issued, since the simulator makes up its own at every start.
 *
 * Environment: GITHUB_SIM_PUBLIC_URL and GITHUB_SIM_TOKEN (required), GITHUB_SIM_HOST (0.0.0.0),
 * GITHUB_SIM_PORT (3010), GITHUB_SIM_SEED (1), GITHUB_SIM_ORGS (1), GITHUB_SIM_REPOS (5), and
 * GITHUB_SIM_WEBHOOK_URL with GITHUB_SIM_WEBHOOK_SECRET for the App's webhook (the gateway's /webhook).
 */
const http = require('node:http');
const path = require('node:path');

function settings(env) {
  const problems = [];
  const number = (name, fallback) => {
    const value = Number(env[name] || fallback);
    if (!Number.isInteger(value) || value < 0) problems.push(`${name} must be a non-negative integer, got ${JSON.stringify(env[name])}`);
    return value;
  };
  const required = (name) => {
    if (!env[name]) problems.push(`${name} is missing`);
    return env[name] || '';
  };
  const publicUrl = required('GITHUB_SIM_PUBLIC_URL').replace(/\/+$/, '');
  if (publicUrl && !/^https?:\/\/[^/]+$/.test(publicUrl)) problems.push(`GITHUB_SIM_PUBLIC_URL must be an origin like http://simulator:3010, got ${JSON.stringify(publicUrl)}`);
  const result = {
    publicUrl,
    token: required('GITHUB_SIM_TOKEN'),
    host: env.GITHUB_SIM_HOST || '0.0.0.0',
    port: number('GITHUB_SIM_PORT', 3010),
    seed: number('GITHUB_SIM_SEED', 1),
    organizations: number('GITHUB_SIM_ORGS', 1),
    reposPerOrg: number('GITHUB_SIM_REPOS', 5),
    webhook: env.GITHUB_SIM_WEBHOOK_URL ? { url: env.GITHUB_SIM_WEBHOOK_URL, secret: env.GITHUB_SIM_WEBHOOK_SECRET || '' } : undefined,
  };
  if (problems.length > 0) throw new Error(problems.join('; '));
  return result;
}

const TEXT_TYPES = /json|text|javascript|xml/i;
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length'];

/** Forwards one request to the simulator and its answer back, with the simulator's own origin replaced. */
function forward(req, res, upstream) {
  const headers = { ...req.headers, host: upstream.host };
  for (const name of HOP_BY_HOP) delete headers[name];
  const credential = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(headers.authorization || '');
  if (credential && credential[1] === upstream.token) headers.authorization = `token ${upstream.pat}`;
  const body = [];
  req.on('data', (chunk) => body.push(chunk));
  req.on('end', () => {
    const request = http.request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => {
        let payload = Buffer.concat(chunks);
        if (TEXT_TYPES.test(String(answer.headers['content-type']))) payload = Buffer.from(upstream.rewrite(payload.toString('utf8')));
        const out = { ...answer.headers };
        for (const name of HOP_BY_HOP) delete out[name];
        for (const name of ['link', 'location']) if (typeof out[name] === 'string') out[name] = upstream.rewrite(out[name]);
        if (answer.statusCode !== 204 && answer.statusCode !== 304) out['content-length'] = String(payload.length);
        res.writeHead(answer.statusCode || 502, out);
        res.end(payload);
      });
    });
    request.on('error', (error) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `simulator: ${error.message}` })));
    request.end(Buffer.concat(body));
  });
}

async function main() {
  const options = settings(process.env);
  const dist = path.resolve(process.env.GLINT_DIST || 'dist');
  const { GithubSimulator } = require(path.join(dist, 'node_modules/@glint/testing'));
  const simulator = await GithubSimulator.start({ port: 0, seed: options.seed, organizations: options.organizations, reposPerOrg: options.reposPerOrg, webhook: options.webhook });
  const internal = new URL(simulator.url);
  const upstream = {
    host: internal.host,
    port: Number(internal.port),
    token: options.token,
    pat: simulator.createPersonalAccessToken(),
    rewrite: (text) => text.split(simulator.url).join(options.publicUrl),
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/_simulator/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    forward(req, res, upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const organizations = simulator.installations().map((installation) => installation.account.login);
  process.stdout.write(
    [
      `GitHub simulator on ${options.host}:${options.port}, as ${options.publicUrl}/api/v3`,
      `  organizations: ${organizations.join(', ')}`,
      `  Glint: GHE_HOST=${new URL(options.publicUrl).host} GHE_PROTOCOL=${new URL(options.publicUrl).protocol.replace(':', '')} GITHUB_TOKEN=<GITHUB_SIM_TOKEN>`,
      `  webhooks: ${options.webhook ? options.webhook.url : 'none (set GITHUB_SIM_WEBHOOK_URL and GITHUB_SIM_WEBHOOK_SECRET)'}`,
      `  mutations: curl -X POST ${options.publicUrl}/_simulator/mutations/openPullRequest -d '{"args":["${organizations[0] || 'acme'}","<repo>",{"title":"Hi"}]}'`,
      '',
    ].join('\n'),
  );
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      void simulator.close().then(() => process.exit(0));
    });
  }
}

main().catch((error) => {
  process.stderr.write(`github-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
