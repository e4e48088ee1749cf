import type { Kind, PortAppConfig } from '@glint/mapping';
import { keptBySelector } from '.';

const config = { repositoryType: 'all' } as PortAppConfig;

describe('keptBySelector', () => {
  const cases: Array<{ kind: Kind; selector: Record<string, unknown>; object: Record<string, unknown>; parent?: Record<string, unknown>; kept: boolean }> = [
    { kind: 'code-scanning-alerts', selector: {}, object: { state: 'open' }, kept: true },
    { kind: 'code-scanning-alerts', selector: {}, object: { state: 'fixed' }, kept: false },
    { kind: 'code-scanning-alerts', selector: { state: 'closed' }, object: { state: 'dismissed' }, kept: true },
    { kind: 'code-scanning-alerts', selector: { state: 'closed' }, object: { state: 'fixed' }, kept: true },
    { kind: 'code-scanning-alerts', selector: { state: 'closed' }, object: { state: 'open' }, kept: false },
    { kind: 'code-scanning-alerts', selector: { state: 'dismissed' }, object: { state: 'fixed' }, kept: false },
    { kind: 'deployment', selector: { task: 'deploy' }, object: { task: 'deploy:migrations', environment: 'production' }, kept: false },
    { kind: 'deployment-status', selector: { task: 'deploy' }, object: { state: 'success' }, parent: { task: 'deploy:migrations', environment: 'production' }, kept: false },
    { kind: 'deployment-status', selector: { task: 'deploy', environment: 'production' }, object: { state: 'success' }, parent: { task: 'deploy', environment: 'production' }, kept: true },
    { kind: 'deployment-status', selector: { environment: 'staging' }, object: { state: 'success' }, parent: { task: 'deploy', environment: 'production' }, kept: false },
  ];

  it.each(cases)('keeps $kind $object (of $parent) under $selector: $kept', ({ kind, selector, object, parent, kept }) => {
    expect(keptBySelector(kind, selector, object, { config, parent })).toBe(kept);
  });
});
