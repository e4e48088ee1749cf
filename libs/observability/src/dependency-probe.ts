/** One external dependency a service needs to do its work (Redis, Postgres, Kafka, …). */
export interface DependencyProbe {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export type DependencyStatus =
  | { status: 'up'; latencyMs: number }
  | { status: 'down'; latencyMs: number; error: string };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  service: string;
  uptimeSeconds: number;
  dependencies: Record<string, DependencyStatus>;
}
