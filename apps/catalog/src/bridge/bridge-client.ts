import { BridgeState, readBridgeState } from './bridge-state';

const TIMEOUT_MS = 3_000;

export type BridgeRead = { ok: true; state: BridgeState } | { ok: false; problem: string };

/** Reads the bridge's state from the mapper's `GET /status` at MAPPER_STATUS_URL, the source `glint status --url` reads too. */
export class BridgeClient {
  constructor(
    readonly statusUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async read(): Promise<BridgeRead> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.statusUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      return { ok: false, problem: reason(error) };
    }
    if (!response.ok) return { ok: false, problem: `it answered ${response.status}` };
    const state = readBridgeState(await response.json().catch(() => undefined));
    return state ? { ok: true, state } : { ok: false, problem: "the answer is not a mapper's status" };
  }
}

/** fetch's error and its cause ("fetch failed: connect ECONNREFUSED …"), whichever realm made them. */
function reason(error: unknown): string {
  const message = (value: unknown): string | undefined => {
    const text: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'message') : undefined;
    return typeof text === 'string' ? text : undefined;
  };
  const cause = typeof error === 'object' && error !== null ? message(Reflect.get(error, 'cause')) : undefined;
  return `${message(error) ?? String(error)}${cause ? `: ${cause}` : ''}`;
}
