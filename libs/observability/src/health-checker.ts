import type { DependencyProbe, DependencyStatus, HealthReport } from './dependency-probe';

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

/** Runs every probe in parallel, each bounded by a timeout, so /health answers even when a dependency hangs. */
export class HealthChecker {
  private readonly startedAt = Date.now();

  constructor(
    private readonly service: string,
    private readonly probes: readonly DependencyProbe[],
    private readonly timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
  ) {}

  async check(): Promise<HealthReport> {
    const results = await Promise.all(this.probes.map((probe) => this.run(probe)));
    const dependencies = Object.fromEntries(this.probes.map((probe, index) => [probe.name, results[index]]));
    return {
      status: results.every((result) => result.status === 'up') ? 'ok' : 'unavailable',
      service: this.service,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      dependencies,
    };
  }

  private async run(probe: DependencyProbe): Promise<DependencyStatus> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([probe.check(), timeout]);
      return { status: 'up', latencyMs: latencyMs() };
    } catch (error) {
      return { status: 'down', latencyMs: latencyMs(), error: describeError(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
