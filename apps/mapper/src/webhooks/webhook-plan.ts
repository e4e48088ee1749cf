/** A webhook as `GET /orgs/{org}/hooks` lists it; GitHub shows a set secret as `********`. */
export interface GithubHook {
  id: number;
  active: boolean;
  events: string[];
  config: { url?: string; content_type?: string; secret?: string; insecure_ssl?: string | number };
}

export interface DesiredWebhook {
  url: string;
  events: readonly string[];
}

/**
 * The hook that is Glint's: the one recorded for the target while it still exists (even when its URL drifted, e.g. a
 * changed BASE_URL), else the oldest one with the desired URL. Other hooks with that URL are duplicates GitHub
 * delivers every event to as well.
 */
export function chooseHook(hooks: readonly GithubHook[], url: string, recordedHookId: number | undefined): { hook?: GithubHook; duplicates: GithubHook[] } {
  const byUrl = hooks.filter((hook) => hook.config.url === url).sort((a, b) => a.id - b.id);
  const hook = hooks.find((candidate) => candidate.id === recordedHookId) ?? byUrl[0];
  return { hook, duplicates: byUrl.filter((candidate) => candidate !== hook) };
}

/**
 * What differs between a hook and the desired one, in words for the log; empty when nothing does. `secretKnown`:
 * Glint recorded setting the current secret on this very hook (GitHub only tells whether a secret is set).
 */
export function hookDifferences(hook: GithubHook, desired: DesiredWebhook, secretKnown: boolean): string[] {
  const differences: string[] = [];
  if (hook.config.url !== desired.url) differences.push(`URL ${JSON.stringify(hook.config.url ?? '')}`);
  const missing = desired.events.filter((event) => !hook.events.includes(event));
  const extra = hook.events.filter((event) => !desired.events.includes(event));
  if (missing.length > 0) differences.push(`events without ${missing.join(', ')}`);
  if (extra.length > 0) differences.push(`extra events ${extra.join(', ')}`);
  if (hook.config.content_type !== 'json') differences.push(`content type ${hook.config.content_type ?? 'form'}`);
  if (!hook.active) differences.push('inactive');
  if (!hook.config.secret) differences.push('no secret');
  else if (!secretKnown) differences.push('a secret Glint did not set (or WEBHOOK_SECRET changed)');
  return differences;
}
