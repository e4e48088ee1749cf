export type { DependencyProbe, DependencyStatus, HealthReport } from './dependency-probe';
export { DEFAULT_PROBE_TIMEOUT_MS, HealthChecker } from './health-checker';
export { MetricsRegistry } from './metrics-registry';
export { ObservabilityModule } from './observability.module';
export type { ObservabilityOptions } from './observability.module';
export { githubLimitsRecorder, rateLimitRecorder } from './rate-limit-metrics';
export type { GithubLimitsRecorder, RateLimitReading } from './rate-limit-metrics';
export { ALL_INSTALLATIONS, DEFAULT_READINESS_TIMINGS, dependencyReadiness, Readiness } from './readiness';
export type { ReadinessCheck, ReadinessLogger, ReadinessReport, ReadinessSource, ReadinessTimings } from './readiness';
