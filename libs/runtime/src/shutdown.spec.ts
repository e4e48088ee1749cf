import { GracefulShutdown, StoppableService } from './shutdown';

const service = (name: string, closes: string[], close: () => Promise<void> = async () => undefined): StoppableService => ({
  name,
  app: {
    close: async () => {
      await close();
      closes.push(name);
    },
  },
});

function harness(services: StoppableService[], graceMs = 1_000) {
  const lines: string[] = [];
  const exits: number[] = [];
  const logger = { log: (message: string) => lines.push(message), warn: (message: string) => lines.push(message), error: (message: string) => lines.push(message) };
  const sut = new GracefulShutdown(services, { graceMs, logger, exit: (code) => exits.push(code) });
  return { sut, lines, exits };
}

describe('GracefulShutdown', () => {
  it('stops the services in reverse start order and exits 0', async () => {
    const closes: string[] = [];
    const { sut, exits, lines } = harness([service('catalog', closes), service('mapper', closes), service('gateway', closes)]);

    await sut.stop('SIGTERM');

    expect(closes).toEqual(['gateway', 'mapper', 'catalog']);
    expect(exits).toEqual([0]);
    expect(lines[0]).toBe('SIGTERM received: stopping catalog, mapper, gateway within 1 s');
  });

  it('exits 1 once the grace period is over while a service is still stopping', async () => {
    let finish: () => void = () => undefined;
    const { sut, exits, lines } = harness([service('mapper', [], () => new Promise<void>((resolve) => (finish = resolve)))], 20);

    const stopping = sut.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(exits).toEqual([1]);
    expect(lines).toContain('not stopped within 0.02 s (SHUTDOWN_GRACE_SECONDS): exiting with work in flight, which is taken up again after its lock expires');
    finish();
    await stopping;
  });

  it('still stops the other services when one fails to close, and exits 1', async () => {
    const closes: string[] = [];
    const { sut, exits } = harness([
      service('publisher', closes),
      service('mapper', closes, async () => {
        throw new Error('redis gone');
      }),
    ]);

    await sut.stop('SIGTERM');

    expect(closes).toEqual(['publisher']);
    expect(exits).toEqual([1]);
  });

  it('takes the same signal delivered twice at once (process group and wrapper) as one', async () => {
    let finish: () => void = () => undefined;
    const { sut, exits } = harness([service('mapper', [], () => new Promise<void>((resolve) => (finish = resolve)))]);

    const first = sut.stop('SIGTERM');
    await sut.stop('SIGTERM');
    finish();
    await first;

    expect(exits).toEqual([0]);
  });

  it('exits at once on a second signal', async () => {
    let finish: () => void = () => undefined;
    const { sut, exits } = harness([service('mapper', [], () => new Promise<void>((resolve) => (finish = resolve)))]);

    const first = sut.stop('SIGTERM');
    await sut.stop('SIGINT');

    expect(exits).toEqual([1]);
    finish();
    await first;
  });
});
