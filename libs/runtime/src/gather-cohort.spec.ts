import { GatherCohort } from './gather-cohort';

describe('GatherCohort', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('tells its listeners once every unit waits in a gather, after the joiner has recorded its waiter', async () => {
    const sut = new GatherCohort(2);
    const told: number[] = [];
    sut.onFull(() => told.push(told.length + 1));

    sut.join();
    await tick();
    expect(told).toEqual([]);

    sut.join();
    expect(told).toEqual([]);
    await tick();
    expect(told).toEqual([1]);
  });

  it('counts a released waiter out, once however often it is released, and stops telling an unsubscribed listener', async () => {
    const sut = new GatherCohort(2);
    const told: string[] = [];
    const unsubscribe = sut.onFull(() => told.push('full'));

    const release = sut.join();
    release();
    release();
    sut.join();
    await tick();
    expect(told).toEqual([]);

    const again = sut.join();
    await tick();
    expect(told).toEqual(['full']);

    again();
    unsubscribe();
    sut.join();
    await tick();
    expect(told).toEqual(['full']);
  });

  it('is not full any more when a waiter is released before the listeners would be told', async () => {
    const sut = new GatherCohort(1);
    const told: string[] = [];
    sut.onFull(() => told.push('full'));

    sut.join()();
    await tick();

    expect(told).toEqual([]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new GatherCohort(0)).toThrow('a gather cohort needs a capacity of at least 1, got 0');
  });
});
