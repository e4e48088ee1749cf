import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The peer integration's default blueprints (githubOrganization, githubRepository, githubPullRequest), which the
 * shipped default mapping writes to; the embedded catalog seeds them on its first start. A fresh copy per call.
 */
export function defaultBlueprints(): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(join(__dirname, 'blueprints.json'), 'utf8')) as Array<Record<string, unknown>>;
}
