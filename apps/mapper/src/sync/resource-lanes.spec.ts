import type { EntityMappings, Kind, ResourceConfig } from '@glint/mapping';
import { resourceLanes } from './resource-lanes';

function resource(kind: Kind, mappings: Partial<EntityMappings>): ResourceConfig {
  return {
    kind,
    selector: { query: 'true' },
    port: { itemsToParseName: 'item', entity: { mappings: { identifier: '.id', blueprint: '"x"', properties: {}, relations: {}, ...mappings } } },
  };
}

describe('resourceLanes', () => {
  it('runs resources of different blueprints side by side, and those of one blueprint one after another in mapping order', () => {
    const resources = [
      resource('repository', { blueprint: '"githubRepository"' }),
      resource('pull-request', { blueprint: '"githubPullRequest"' }),
      resource('repository', { blueprint: ' "githubRepository" ', properties: { readme: '.__includedFiles["README.md"]' } }),
      resource('issue', { blueprint: '"githubIssue"' }),
    ];

    expect(resourceLanes(resources)).toEqual([[0, 2], [1], [3]]);
  });

  it('runs every resource one after another when a blueprint is computed, since it may name any other', () => {
    const resources = [resource('repository', { blueprint: '"githubRepository"' }), resource('pull-request', { blueprint: 'if .draft then "draft" else "githubPullRequest" end' })];

    expect(resourceLanes(resources)).toEqual([[0, 1]]);
  });

  it('runs every resource one after another when one finds entities by a search query, which others may still be writing', () => {
    const search = { combinator: 'and' as const, rules: [{ property: '$identifier', operator: '=', value: '.name' }] };

    expect(resourceLanes([resource('repository', { blueprint: '"a"' }), resource('team', { blueprint: '"b"', relations: { repo: search } })])).toEqual([[0, 1]]);
    expect(resourceLanes([resource('repository', { blueprint: '"a"' }), resource('team', { blueprint: '"b"', identifier: search })])).toEqual([[0, 1]]);
  });
});
