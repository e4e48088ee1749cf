import { DEFAULT_STALL_RECOVERY_SECONDS, stallSettings } from './stall-recovery';

describe('stallSettings', () => {
  it.each([5, DEFAULT_STALL_RECOVERY_SECONDS, 60, 600])('takes a dead worker\'s job back within %i s, lock expiry and the next stall check included, with a tenth to spare', (seconds) => {
    const sut = stallSettings(seconds);

    // A stall check may be skipped while the previous check's throttle key lives: two intervals, not one.
    expect(sut.lockDuration + 2 * sut.stalledInterval).toBeLessThanOrEqual(seconds * 1000 * 0.9);
    // The stall check must come round within a lock's lifetime, or it would miss a lock that expired between two checks.
    expect(sut.stalledInterval).toBeLessThan(sut.lockDuration);
  });

  it.each([5, DEFAULT_STALL_RECOVERY_SECONDS, 60, 600])('renews a live worker\'s lock with three quarters of its life left at %i s', (seconds) => {
    const sut = stallSettings(seconds);

    // BullMQ renews a lock at most lockRenewTime after the previous renewal.
    expect(sut.lockDuration - sut.lockRenewTime).toBeGreaterThanOrEqual(0.75 * sut.lockDuration - 1);
  });

  it('gives the default 15 s a lock of 9 s, renewed every 2.25 s at most, checked every 2.25 s, and fails a job after its third stall', () => {
    expect(stallSettings(DEFAULT_STALL_RECOVERY_SECONDS)).toEqual({ lockDuration: 9_000, lockRenewTime: 2_250, stalledInterval: 2_250, maxStalledCount: 2 });
  });
});
