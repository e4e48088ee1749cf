import { UnverifiedBytesBudget } from './unverified-bytes-budget';

describe('UnverifiedBytesBudget', () => {
  it('reserves bytes up to its limit and refuses a reservation that would pass it, reserving nothing', () => {
    const sut = new UnverifiedBytesBudget(100);

    expect(sut.tryReserve(60)).toBe(true);
    expect(sut.tryReserve(41)).toBe(false);
    expect(sut.reservedBytes).toBe(60);
    expect(sut.tryReserve(40)).toBe(true);
    expect(sut.reservedBytes).toBe(100);
  });

  it('takes reservations again once bytes are released', () => {
    const sut = new UnverifiedBytesBudget(100);
    sut.tryReserve(100);

    sut.release(30);

    expect(sut.tryReserve(31)).toBe(false);
    expect(sut.tryReserve(30)).toBe(true);
  });
});
