import { addLogContext, currentLogContext, withJobLogContext, withLogContext, withServiceLogContext } from './log-context';

describe('the log context', () => {
  it('carries fields through awaits and timers, nested scopes adding to them', async () => {
    const seen = await withServiceLogContext('mapper', () =>
      withLogContext({ deliveryId: 'd-1', groupKey: 'repo-1/pr-2' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return withLogContext({ installationId: 7 }, async () => {
          await Promise.resolve();
          return currentLogContext();
        });
      }),
    );

    expect(seen).toEqual({ service: 'mapper', deliveryId: 'd-1', groupKey: 'repo-1/pr-2', installationId: 7 });
  });

  it('keeps concurrent units of work apart', async () => {
    const one = withLogContext({ deliveryId: 'a' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return currentLogContext().deliveryId;
    });
    const two = withLogContext({ deliveryId: 'b' }, async () => currentLogContext().deliveryId);

    expect(await Promise.all([one, two])).toEqual(['a', 'b']);
  });

  it('lets a unit of work add what it learns, but never a service root', () => {
    withServiceLogContext('mapper', () => {
      addLogContext({ syncId: 'leaked' });
      expect(currentLogContext()).toEqual({ service: 'mapper' });
      withLogContext({ installationId: 1 }, () => {
        addLogContext({ syncId: 's-1' });
        expect(currentLogContext()).toEqual({ service: 'mapper', installationId: 1, syncId: 's-1' });
      });
      expect(currentLogContext()).toEqual({ service: 'mapper' });
    });
  });

  it('takes the ids a BullMQ job carries in its data', () => {
    const fields = withJobLogContext({ id: 'changes-1', name: 'changes', data: { installationId: '42', syncId: 's-9', changes: [] } }, () => currentLogContext());

    expect(fields).toEqual({ jobId: 'changes-1', job: 'changes', installationId: '42', syncId: 's-9' });
  });
});
