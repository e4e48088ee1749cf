import type { WorkerOptions } from 'bullmq';

/** STALL_RECOVERY_SECONDS' default. */
export const DEFAULT_STALL_RECOVERY_SECONDS = 15;

export type StallSettings = Required<Pick<WorkerOptions, 'lockDuration' | 'lockRenewTime' | 'stalledInterval' | 'maxStalledCount'>>;

/**
 * BullMQ worker settings under which a job held by a dead process (SIGKILL, out of memory, node lost) is taken up by
 * another worker within `recoverySeconds` (S), while a live worker keeps its jobs.
 *
 * - Dead worker: its job's lock expires at most `lockDuration` (0.6 S) after the last renewal, which came before the
 *   death. Every `stalledInterval` (0.15 S) a worker of the queue runs BullMQ's stall check: a check puts the active
 *   job in the stalled set (no renewal takes it out any more), the first one after the lock expired moves it back to
 *   the front of its queue. A check can find the key by which the previous one throttles the queue's checks not yet
 *   expired (it lives exactly one interval) and skip, so two intervals are allowed: at most 0.9 S after the death.
 *   The last tenth covers that check's round trip and the pick-up, which is immediate since idle workers block on
 *   the queue.
 * - Live worker: BullMQ's lock timer ticks every `lockRenewTime / 2` and renews the locks last renewed more than
 *   `lockRenewTime / 2` ago, so a lock is renewed at most `lockRenewTime` (lockDuration / 4) after the last time, with
 *   three quarters of its life left. A live worker loses a job only when its event loop is stuck, or Redis
 *   unreachable, for more than 0.75 × 0.6 S (6.75 s at 15, 27 s at 60): the mapper runs jq in worker threads and its
 *   handlers await I/O, so a long batch does not block the loop. Where it might (a CPU-starved pod), raise
 *   STALL_RECOVERY_SECONDS. A job whose lock was lost anyway runs again elsewhere; events and publish jobs are
 *   idempotent (the mapper reads objects again and orders them by their own `updated_at`, the publisher skips
 *   unchanged entities).
 * - `maxStalledCount` 2: a job taken back twice has probably killed the processes that ran it (a payload too big for
 *   their memory); the third time it fails (`job stalled more than allowable limit`) rather than take every worker
 *   down in turn.
 *
 * The cost: one stall check per queue per `stalledInterval` (BullMQ lets one worker of a queue run it per interval)
 * and, per worker holding jobs, one lock renewal call every `lockRenewTime / 2` at most.
 */
export function stallSettings(recoverySeconds: number): StallSettings {
  const recoveryMs = recoverySeconds * 1000;
  const lockDuration = Math.round(recoveryMs * 0.6);
  return {
    lockDuration,
    lockRenewTime: Math.round(lockDuration / 4),
    stalledInterval: Math.round(recoveryMs * 0.15),
    maxStalledCount: 2,
  };
}
