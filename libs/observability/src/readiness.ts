import type { HealthChecker } from './health-checker';
import type { MetricsRegistry } from './metrics-registry';

/** The `installation` of a check that is not about one installation (GitHub authentication, the catalog, Redis). */
export const ALL_INSTALLATIONS = 'all';

/** One thing the service needs to do its work, as last checked. */
export interface ReadinessCheck {
  /** The account login of the installation the check is about, or ALL_INSTALLATIONS. */
  installation: string;
  /** e.g. `github-auth`, `installation-token`, `permissions`, `catalog`, `dependency:redis`. */
  check: string;
  ok: boolean;
  /** What failed, when it did. */
  error?: string;
  /** The variable or permission to look at, when it failed. */
  fix?: string;
}

/** Something that can say what works: GitHub, the catalog, the service's dependencies. */
export interface ReadinessSource {
  checks(): Promise<ReadinessCheck[]>;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  service: string;
  checkedAt: string;
  checks: ReadinessCheck[];
}

export interface ReadinessTimings {
  /** A report younger than this is answered again, so a storm of probes does not reach GitHub (default 5 s). */
  cacheMs: number;
  /** How often the checks run on their own, so the metrics and the log follow a cause and its fix (default 60 s). */
  intervalMs: number;
}

export const DEFAULT_READINESS_TIMINGS: ReadinessTimings = { cacheMs: 5_000, intervalMs: 60_000 };

export interface ReadinessLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * `GET /health/ready`: whether the service can do its work, per installation and check, re-checked every
 * `intervalMs` and on request (at most once per `cacheMs`). Each check is exported as `glint_readiness`, and a check
 * that fails or recovers is logged once, naming what to fix.
 */
export class Readiness {
  private readonly sources: ReadinessSource[];
  private last?: { at: number; report: ReadinessReport };
  private running?: Promise<ReadinessReport>;
  private timer?: NodeJS.Timeout;
  private readonly exported = new Set<string>();
  private readonly failing = new Map<string, string>();

  constructor(
    private readonly service: string,
    sources: readonly ReadinessSource[],
    private readonly metrics: MetricsRegistry,
    private readonly logger: ReadinessLogger,
    private readonly timings: ReadinessTimings = DEFAULT_READINESS_TIMINGS,
  ) {
    this.sources = [...sources];
  }

  /** A service's own checks beside its dependencies' (the mapper's GitHub and catalog checks). */
  add(source: ReadinessSource): void {
    this.sources.push(source);
    this.last = undefined;
  }

  /** Starts the periodic checks (the first one at once); Nest calls it once the service is up. */
  onApplicationBootstrap(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.timings.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last report when younger than `cacheMs`, else a fresh one. */
  async report(): Promise<ReadinessReport> {
    if (this.last && Date.now() - this.last.at < this.timings.cacheMs) return this.last.report;
    return this.refresh();
  }

  private refresh(): Promise<ReadinessReport> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<ReadinessReport> {
    const results = await Promise.all(this.sources.map((source) => source.checks().catch((error: unknown) => [sourceFailure(error)])));
    const checks = results.flat();
    const report: ReadinessReport = {
      status: checks.every((check) => check.ok) ? 'ready' : 'not-ready',
      service: this.service,
      checkedAt: new Date().toISOString(),
      checks,
    };
    this.export(checks);
    this.logChanges(checks);
    this.last = { at: Date.now(), report };
    return report;
  }

  private export(checks: readonly ReadinessCheck[]): void {
    const current = new Set<string>();
    for (const check of checks) {
      const key = keyOf(check);
      current.add(key);
      this.metrics.readiness.set({ installation: check.installation, check: check.check }, check.ok ? 1 : 0);
    }
    // An installation that went away must not stay exported as it was.
    for (const key of this.exported) {
      if (current.has(key)) continue;
      const [installation, check] = JSON.parse(key) as [string, string];
      this.metrics.readiness.remove({ installation, check });
    }
    this.exported.clear();
    current.forEach((key) => this.exported.add(key));
  }

  private logChanges(checks: readonly ReadinessCheck[]): void {
    const seen = new Set<string>();
    for (const check of checks) {
      const key = keyOf(check);
      seen.add(key);
      const subject = check.installation === ALL_INSTALLATIONS ? check.check : `${check.check} for ${check.installation}`;
      if (!check.ok) {
        const line = `not ready: ${subject} fails: ${check.error ?? 'unknown error'}${check.fix ? `; ${check.fix}` : ''}`;
        if (this.failing.get(key) !== line) this.logger.warn(line);
        this.failing.set(key, line);
      } else if (this.failing.delete(key)) {
        this.logger.log(`ready again: ${subject} works`);
      }
    }
    for (const key of [...this.failing.keys()]) if (!seen.has(key)) this.failing.delete(key);
  }
}

/** The service's dependencies (Redis, Postgres, Kafka) as readiness checks: a service whose dependency is down is not ready. */
export function dependencyReadiness(checker: Pick<HealthChecker, 'check'>): ReadinessSource {
  return {
    async checks() {
      const report = await checker.check();
      return Object.entries(report.dependencies).map(([name, status]) => ({
        installation: ALL_INSTALLATIONS,
        check: `dependency:${name}`,
        ok: status.status === 'up',
        ...(status.status === 'down' ? { error: status.error } : {}),
      }));
    },
  };
}

function keyOf(check: Pick<ReadinessCheck, 'installation' | 'check'>): string {
  return JSON.stringify([check.installation, check.check]);
}

function sourceFailure(error: unknown): ReadinessCheck {
  return { installation: ALL_INSTALLATIONS, check: 'readiness', ok: false, error: error instanceof Error ? error.message : String(error) };
}
