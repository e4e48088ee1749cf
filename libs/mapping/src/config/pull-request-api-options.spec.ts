import { JqEngine } from '../jq/jq-engine';
import { formatProblem } from './app-config.types';
import { parseAppConfig } from './parse-app-config';

const mapping = (selector: string) => `resources:
  - kind: pull-request
    selector:
      query: 'true'
${selector
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
    port:
      entity:
        mappings:
          identifier: .url
          blueprint: '"githubPullRequest"'
`;

/** The peer integration's `api` and `excludeGraphqlFields` pull-request options. */
describe('pull-request api options in a port-app-config', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  const parsed = async (selector: string) => parseAppConfig(mapping(selector), jq);

  it("accepts api: rest or graphql and the peer's excludable GraphQL fields", async () => {
    const result = await parsed('api: graphql\nexcludeGraphqlFields: [additions, deletions, changedFiles, author]');
    expect(result.ok && result.config.resources[0].selector).toMatchObject({ api: 'graphql', excludeGraphqlFields: ['additions', 'deletions', 'changedFiles', 'author'] });
    expect((await parsed('api: rest')).ok).toBe(true);
  });

  it('refuses another api and a field GraphQL listings cannot leave out, naming the option and what it may be', async () => {
    const problems = async (selector: string) => {
      const result = await parsed(selector);
      return result.ok ? [] : result.problems.map(formatProblem);
    };
    expect(await problems('api: soap')).toEqual([expect.stringMatching(/selector\.api.*expected one of rest, graphql/)]);
    expect(await problems('excludeGraphqlFields: [titel]')).toEqual([expect.stringMatching(/selector\.excludeGraphqlFields.*expected a list of .*additions/)]);
  });
});
