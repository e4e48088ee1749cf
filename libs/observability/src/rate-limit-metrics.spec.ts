import { MetricsRegistry } from './metrics-registry';
import { rateLimitRecorder } from './rate-limit-metrics';

describe('rateLimitRecorder', () => {
  it('shows the last reading of each scope as gauges, also when several listeners share a registry', async () => {
    const metrics = new MetricsRegistry('mapper');
    const record = rateLimitRecorder(metrics);
    const again = rateLimitRecorder(metrics);

    record('installation:7', { limit: 5000, remaining: 4990, resetAt: 1_700_000_000_500 });
    again('installation:8', { limit: 5000, remaining: 12, resetAt: 1_700_000_000_000 });
    record('installation:7', { limit: 5000, remaining: 4989, resetAt: 1_700_000_000_500 });

    const text = await metrics.registry.metrics();
    expect(text).toContain('glint_github_rate_limit_remaining{scope="installation:7",resource="core",service="mapper"} 4989');
    expect(text).toContain('glint_github_rate_limit_remaining{scope="installation:8",resource="core",service="mapper"} 12');
    expect(text).toContain('glint_github_rate_limit_limit{scope="installation:7",resource="core",service="mapper"} 5000');
    expect(text).toContain('glint_github_rate_limit_reset_timestamp_seconds{scope="installation:8",resource="core",service="mapper"} 1700000000');
  });

  it('labels a GraphQL budget (scope ending in :graphql) with its installation and resource graphql', async () => {
    const metrics = new MetricsRegistry('mapper');
    rateLimitRecorder(metrics)('installation:7:graphql', { limit: 5000, remaining: 4000, resetAt: 1_700_000_000_000 });

    expect(await metrics.registry.metrics()).toContain('glint_github_rate_limit_remaining{scope="installation:7",resource="graphql",service="mapper"} 4000');
  });
});
