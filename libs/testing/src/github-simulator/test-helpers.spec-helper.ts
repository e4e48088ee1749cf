import { createAppAuth } from '@octokit/auth-app';
import { readFileSync } from 'node:fs';
import { GithubSimulator } from './simulator';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

export type Item = Record<string, unknown>;

/** One request to the simulator (`path` below /api/v3, or absolute), with an optional JSON body. */
export async function call(sim: GithubSimulator, path: string, auth?: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const url = path.startsWith('http') ? path : `${sim.apiUrl}${path}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/vnd.github+json', ...(auth ? { authorization: auth } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

export async function appJwt(sim: GithubSimulator): Promise<string> {
  const auth = createAppAuth({ appId: sim.appId, privateKey: sim.appPrivateKeyPem });
  return `Bearer ${(await auth({ type: 'app' })).token}`;
}

let groups: Array<{ name: string; examples: Item[] }> | undefined;

/** The webhook example GitHub publishes for an event (and action), from @octokit/webhooks-examples. */
export function webhookExample(event: string, action?: string): Item {
  groups ??= JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Array<{ name: string; examples: Item[] }>;
  const example = groups.find((group) => group.name === event)?.examples.find((candidate) => action === undefined || candidate.action === action);
  if (!example) throw new Error(`No ${event}.${action ?? ''} example`);
  return example;
}

/** Every top-level key of the example is in the payload, and the payload adds at most `installation`/`organization`. */
export function expectExampleShape(payload: Item, event: string, action?: string, exampleAction: string | undefined = action): void {
  const expected = Object.keys(webhookExample(event, exampleAction)).filter((key) => key !== 'changes' || 'changes' in payload);
  const actual = Object.keys(payload);
  expect(actual).toEqual(expect.arrayContaining(expected));
  expect(actual.filter((key) => !expected.includes(key) && key !== 'installation' && key !== 'organization' && key !== 'changes')).toEqual([]);
}
