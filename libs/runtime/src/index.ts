export { runMain } from './run-main';
export { createServiceLogger } from './service-logger';
export { startService } from './start-service';
export type { RunningService } from './start-service';
export { mapWithConcurrency } from './concurrency';
export { chunk, groupBy } from './collections';
