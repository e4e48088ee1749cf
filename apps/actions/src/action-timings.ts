export interface ActionTimings {
  /** How long to look for the run a dispatch created when GitHub did not say which (older GHES, or no answer). */
  runLookupTimeoutMs: number;
  runLookupIntervalMs: number;
  /** A dispatched run still waiting for a runner after this long is reported as FAILURE and cancelled. */
  startTimeoutMs: number;
  /** How often an open run is checked against GitHub, for a start or completion whose event never came. */
  checkIntervalMs: number;
  /** How often the watchdog looks for unconfirmed dispatches, runs due for a check and unreported results. */
  sweepIntervalMs: number;
}

/** Port's GitHub integration looks for an unreported run 30 times every 2 s; GitHub keeps a queued run for 24 h. */
export const DEFAULT_ACTION_TIMINGS: ActionTimings = {
  runLookupTimeoutMs: 60_000,
  runLookupIntervalMs: 2_000,
  startTimeoutMs: 30 * 60_000,
  checkIntervalMs: 5 * 60_000,
  sweepIntervalMs: 30_000,
};

export function durationText(ms: number): string {
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} minutes`;
  return `${Math.round(ms / 100) / 10} s`;
}
