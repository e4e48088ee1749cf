import { isServiceName, loadConfig } from '@glint/config';

/**
 * The container healthcheck: `node dist/apps/glint/src/healthcheck.js [service]` exits 0 when the service's
 * /health answers 200. The port comes from the same environment the service reads (default: the gateway,
 * which `glint all` starts last).
 */
async function main(): Promise<number> {
  const service = process.argv[2] ?? 'gateway';
  if (!isServiceName(service)) {
    process.stderr.write(`healthcheck: unknown service ${JSON.stringify(service)}\n`);
    return 2;
  }
  const port = loadConfig(process.env, []).http.ports[service];
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4_000) });
    if (response.status === 200) return 0;
    process.stderr.write(`healthcheck: ${service} answered ${response.status}: ${await response.text()}\n`);
  } catch (error) {
    process.stderr.write(`healthcheck: ${service} on port ${port} did not answer: ${String(error)}\n`);
  }
  return 1;
}

void main().then((code) => process.exit(code));
