import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { freePort, getJson, PrivateRedisServer, sendWebhook, waitFor } from '@glint/testing';

const root = join(__dirname, '../../../..');
const SECRET = 'unverified-memory-secret';
const UPLOADS = 40;
const UPLOAD_BYTES = 24 * 1024 * 1024;
const RSS_CEILING_MB = 300;
/** The flags the image's ENTRYPOINT gives node. */
const NODE_FLAGS = ['--max-semi-space-size=16', '--enable-source-maps'];

/** Resident memory of a process, in MB: `VmRSS` now, `VmHWM` the highest it has been. */
function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** One POST of `body` on its own connection: the status the gateway answered, or how the upload failed. */
function upload(url: string, body: Buffer, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const request = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-length': String(body.length), ...headers }, timeout: 45_000 });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => {
      request.destroy();
      resolve('no answer within 45 s');
    });
    request.on('error', (error) => resolve(`failed: ${error.message}`));
    request.end(body);
  });
}

describe('the gateway process as production runs it, from the build', () => {
  let redis: PrivateRedisServer;
  let gateway: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = await PrivateRedisServer.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = spawn(process.execPath, [...NODE_FLAGS, join(root, 'dist/glint'), 'gateway'], {
      env: { PATH: process.env['PATH'] ?? '', WEBHOOK_SECRET: SECRET, PORT: String(port), HTTP_HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
    gateway.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
    await waitFor('the gateway to be up', async () => ((await getJson(`${url}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 30_000);
  }, 120_000);

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGKILL');
      await exited;
    }
    await redis?.destroy();
  });

  it('serves with the product’s HTTP limits: idle keep-alive connections kept 65 s', async () => {
    const keepAlive = await new Promise<string>((resolve, reject) => {
      httpGet(`${url}/health`, (response) => {
        response.resume();
        resolve(String(response.headers['keep-alive']));
      }).on('error', reject);
    });

    expect(keepAlive).toBe('timeout=65');
  });

  it('stays under 300 MB resident while 40 unsigned 24 MB bodies arrive at once, answers each 401, 413 or 503, and still takes a signed delivery afterwards', async () => {
    const pid = gateway.pid;
    if (pid === undefined) throw new Error(`the gateway did not start: ${output}`);
    const body = Buffer.alloc(UPLOAD_BYTES, '{"padding":"'.padEnd(64, 'x'));
    // Shaped like a real signature, so the gateway has to read each body to find out it is wrong.
    const forged = `sha256=${'0'.repeat(64)}`;
    let highestSampledMb = memoryMb(pid, 'VmRSS');
    const sampler = setInterval(() => (highestSampledMb = Math.max(highestSampledMb, memoryMb(pid, 'VmRSS'))), 10);

    const answers = await Promise.all(
      Array.from({ length: UPLOADS }, (_, index) =>
        upload(`${url}/webhook`, body, {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': `unsigned-${index}`,
          ...(index % 4 === 0 ? {} : { 'x-hub-signature-256': forged }),
        }),
      ),
    );
    clearInterval(sampler);

    expect(answers.filter((answer) => answer !== 401 && answer !== 413 && answer !== 503)).toEqual([]);
    expect(answers).toContain(401);
    expect(Math.max(memoryMb(pid, 'VmHWM'), highestSampledMb)).toBeLessThan(RSS_CEILING_MB);
    const signed = await sendWebhook(`${url}/webhook`, SECRET, 'issues', { action: 'opened', issue: { number: 1 }, repository: { id: 1 } });
    expect(signed.status).toBe(202);
  });
});
