import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('runs at most `permits` tasks at once and lets the rest wait in order', async () => {
    const sut = new Semaphore(2);
    const started: number[] = [];
    const finishers: Array<() => void> = [];
    const task = (id: number) =>
      sut.run(
        () =>
          new Promise<void>((resolve) => {
            started.push(id);
            finishers.push(resolve);
          }),
      );

    const all = [task(1), task(2), task(3), task(4)];
    await Promise.resolve();
    expect(started).toEqual([1, 2]);

    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2, 3]);

    for (;;) {
      const finish = finishers.shift();
      if (!finish) break;
      finish();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('releases its permit when the task fails', async () => {
    const sut = new Semaphore(1);
    await expect(sut.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    expect(await sut.run(async () => 'next')).toBe('next');
  });
});
