import { AsyncLocalStorage } from 'node:async_hooks';
import { addLogContext, currentLogContext, setProcessLogContext, withLogContext, withServiceLogContext } from './log-context';

describe('the log context of a process that runs one service', () => {
  const runs = jest.spyOn(AsyncLocalStorage.prototype, 'run');

  beforeAll(() => setProcessLogContext('gateway'));
  beforeEach(() => runs.mockClear());

  it('names the service on every line without any scope, and never turns AsyncLocalStorage on for it', async () => {
    expect(currentLogContext()).toEqual({ service: 'gateway' });

    const seen = await withServiceLogContext('glint', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentLogContext();
    });

    expect(seen).toEqual({ service: 'gateway' });
    expect(runs).not.toHaveBeenCalled();
  });

  it('still gives units of work their own scope, on top of the service, and keeps the process scope closed', () => {
    addLogContext({ syncId: 'leaked' });

    withLogContext({ deliveryId: 'd-1' }, () => {
      addLogContext({ installationId: 3 });
      expect(currentLogContext()).toEqual({ service: 'gateway', deliveryId: 'd-1', installationId: 3 });
    });

    expect(currentLogContext()).toEqual({ service: 'gateway' });
    expect(runs).toHaveBeenCalledTimes(1);
  });
});
