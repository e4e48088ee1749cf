import { HealthChecker } from './health-checker';
import { MetricsRegistry } from './metrics-registry';
import { ALL_INSTALLATIONS, dependencyReadiness, Readiness, ReadinessCheck, ReadinessSource } from './readiness';

class SwitchableSource implements ReadinessSource {
  calls = 0;
  constructor(public result: ReadinessCheck[] | Error) {}

  async checks(): Promise<ReadinessCheck[]> {
    this.calls += 1;
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
}

const ok = (installation: string, check: string): ReadinessCheck => ({ installation, check, ok: true });
const failed = (installation: string, check: string, error: string, fix?: string): ReadinessCheck => ({ installation, check, ok: false, error, ...(fix ? { fix } : {}) });

function setUp(source: ReadinessSource, cacheMs = 0) {
  const metrics = new MetricsRegistry('mapper');
  const lines: string[] = [];
  const sut = new Readiness('mapper', [source], metrics, { warn: (line) => lines.push(`warn ${line}`), log: (line) => lines.push(`log ${line}`) }, { cacheMs, intervalMs: 60_000 });
  const gauge = async (installation: string, check: string) =>
    (await metrics.readiness.get()).values.find((value) => value.labels.installation === installation && value.labels.check === check)?.value;
  return { sut, lines, gauge };
}

describe('Readiness', () => {
  it('is ready when every check passes and not ready when one fails, exporting each check as 1 or 0', async () => {
    const source = new SwitchableSource([ok(ALL_INSTALLATIONS, 'github-auth'), failed('acme', 'permissions', 'lacks Issues', "grant 'Issues: read'")]);
    const { sut, gauge } = setUp(source);

    const report = await sut.report();

    expect(report).toMatchObject({ status: 'not-ready', service: 'mapper', checks: [ok(ALL_INSTALLATIONS, 'github-auth'), failed('acme', 'permissions', 'lacks Issues', "grant 'Issues: read'")] });
    expect(await gauge(ALL_INSTALLATIONS, 'github-auth')).toBe(1);
    expect(await gauge('acme', 'permissions')).toBe(0);

    source.result = [ok(ALL_INSTALLATIONS, 'github-auth'), ok('acme', 'permissions')];
    expect((await sut.report()).status).toBe('ready');
    expect(await gauge('acme', 'permissions')).toBe(1);
  });

  it('answers from its last report within the cache time, so a storm of probes runs the checks once', async () => {
    const source = new SwitchableSource([ok(ALL_INSTALLATIONS, 'catalog')]);
    const { sut } = setUp(source, 60_000);

    await Promise.all([sut.report(), sut.report(), sut.report()]);
    await sut.report();

    expect(source.calls).toBe(1);
  });

  it('logs a failure once with its fix, again when the failure changes, and its recovery', async () => {
    const source = new SwitchableSource([failed(ALL_INSTALLATIONS, 'github-auth', 'GET /app answered 401', 'check PRIVATE_KEY')]);
    const { sut, lines } = setUp(source);

    await sut.report();
    await sut.report();
    source.result = [failed(ALL_INSTALLATIONS, 'github-auth', 'cannot reach GitHub', 'check GHE_HOST')];
    await sut.report();
    source.result = [ok(ALL_INSTALLATIONS, 'github-auth')];
    await sut.report();

    expect(lines).toEqual([
      'warn not ready: github-auth fails: GET /app answered 401; check PRIVATE_KEY',
      'warn not ready: github-auth fails: cannot reach GitHub; check GHE_HOST',
      'log ready again: github-auth works',
    ]);
  });

  it('stops exporting the checks of an installation that is gone', async () => {
    const source = new SwitchableSource([ok('acme', 'installation-token')]);
    const { sut, gauge } = setUp(source);
    await sut.report();

    source.result = [ok('globex', 'installation-token')];
    await sut.report();

    expect(await gauge('acme', 'installation-token')).toBeUndefined();
    expect(await gauge('globex', 'installation-token')).toBe(1);
  });

  it('turns a source that throws into a failed check instead of failing the report', async () => {
    const { sut } = setUp(new SwitchableSource(new Error('Redis is gone')));

    expect(await sut.report()).toMatchObject({ status: 'not-ready', checks: [failed(ALL_INSTALLATIONS, 'readiness', 'Redis is gone')] });
  });

  it("counts the service's dependencies as checks", async () => {
    const checker = new HealthChecker('mapper', [
      { name: 'redis', check: async () => undefined },
      { name: 'postgres', check: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
    ]);

    expect(await dependencyReadiness(checker).checks()).toEqual([ok(ALL_INSTALLATIONS, 'dependency:redis'), failed(ALL_INSTALLATIONS, 'dependency:postgres', 'connect ECONNREFUSED')]);
  });
});
