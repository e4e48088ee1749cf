export { JqEngine } from './jq/jq-engine';
export type { JqCheck, JqEngineOptions, JqOutcome } from './jq/jq-engine';
export { JqTimeoutError } from './jq/jq-worker-pool';
