import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fuzzTarget } from '@glint/testing';
import { JqEngine } from '../jq/jq-engine';
import { arbitraryTexts, asYaml, jqPrograms, mutatedText, yamlTokens } from '../mapping-fuzz-inputs.spec-helper';
import { KINDS } from './app-config.types';
import { ParsedAppConfig, parseAppConfig } from './parse-app-config';

const shippedMapping = readFileSync(join(__dirname, '../defaults/port-app-config.yml'), 'utf8');
const shippedPrograms = [...shippedMapping.matchAll(/^\s+\w+: (.+)$/gm)].map((match) => match[1]).filter((value) => !value.startsWith('-'));

const CONFIG_KEYS = [
  'resources', 'kind', 'selector', 'query', 'port', 'entity', 'mappings', 'identifier', 'title', 'blueprint', 'team', 'icon', 'properties', 'relations',
  'itemsToParse', 'itemsToParseName', 'specPath', 'organizations', 'entityDeletionThreshold', 'deleteDependentEntities', 'createMissingRelatedEntities',
  'enableMergeEntity', 'repositoryType', 'includeAuthenticatedUser', 'combinator', 'rules', 'property', 'operator', 'value',
  'includedFiles', 'includedRelations', 'states', 'state', 'since', 'folders', 'files', 'repos', 'path', 'name', 'branch', 'members', 'labels', 'closedSinceDate',
  '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf',
];

const programs = jqPrograms(shippedPrograms);
const keys = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CONFIG_KEYS) }, fc.string({ maxLength: 8 }));
const leaves = fc.oneof(
  { weight: 3, arbitrary: programs },
  fc.constantFrom(...KINDS, 'and', 'or', 'file://README.md', 'file://../x', 'file://', '**/port.yml'),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Any JSON-ish tree with the config's own keys: wrong shapes everywhere. */
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', maxDepth: 6 }, leaves, fc.dictionary(keys, tie('tree'), { maxKeys: 6, noNullPrototype: true }), fc.array(tie('tree'), { maxLength: 4 })),
}));

const searchQueries = fc.record({
  combinator: fc.constantFrom('and', 'or', 'xor'),
  rules: fc.array(fc.oneof(fc.record({ property: fc.string(), operator: fc.constantFrom('=', 'in', 'contains'), value: programs }), tree), { maxLength: 3 }),
});

/** The right shape with fuzzed leaves: every jq program in it gets compiled. */
const shapedConfigs = fc.record(
  {
    deleteDependentEntities: fc.oneof(fc.boolean(), tree),
    entityDeletionThreshold: fc.oneof(fc.double(), tree),
    specPath: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), tree),
    resources: fc.array(
      fc.record({
        kind: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KINDS) }, tree),
        selector: fc.oneof(fc.dictionary(keys, fc.oneof(programs, tree), { maxKeys: 4, noNullPrototype: true }).map((options) => ({ query: 'true', ...options })), tree),
        port: fc.record(
          {
            itemsToParse: programs,
            itemsToParseName: fc.oneof(fc.constantFrom('item', 'file'), fc.string()),
            entity: fc.record({
              mappings: fc.record(
                {
                  identifier: fc.oneof(programs, searchQueries),
                  title: programs,
                  blueprint: programs,
                  team: fc.oneof(programs, searchQueries),
                  properties: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(programs, fc.constantFrom('file://README.md', 'file://./a/../../b', 'file:///etc/passwd'), tree), { maxKeys: 5 }),
                  relations: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(programs, searchQueries, tree), { maxKeys: 3 }),
                },
                { requiredKeys: ['identifier', 'blueprint'] },
              ),
            }),
          },
          { requiredKeys: ['entity'] },
        ),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['resources'] },
);

const configTexts = fc.oneof(
  arbitraryTexts(CONFIG_KEYS.map((key) => `${key}: `)),
  mutatedText(shippedMapping, fc.oneof(yamlTokens, programs)),
  fc.oneof(shapedConfigs, tree).map(asYaml),
);

/** What every answer must be: the config, or at least one problem with a path, a message and maybe a line. */
function expectConfigOrProblems(parsed: ParsedAppConfig): void {
  if (parsed.ok) {
    expect(Array.isArray(parsed.config.resources)).toBe(true);
    return;
  }
  expect(parsed.problems.length).toBeGreaterThan(0);
  for (const problem of parsed.problems) {
    expect({ path: typeof problem.path, message: typeof problem.message === 'string' && problem.message.trim() !== '', line: problem.line === undefined || Number.isInteger(problem.line) }).toEqual({
      path: 'string',
      message: true,
      line: true,
    });
  }
}

const textTarget = fuzzTarget('port-app-config.yml text', { seed: 20_260_116, runs: 300, timeoutMs: 60_000, inputTimeoutMs: 30_000 });
const structureTarget = fuzzTarget('port-app-config.yml structure', { seed: 20_260_116, runs: 300, timeoutMs: 60_000, inputTimeoutMs: 30_000 });

describe('parseAppConfig under arbitrary input', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 2 });
  });

  afterAll(() => jq.close());

  it(
    'answers any text, YAML-shaped or not, with the config or its problems, and never throws',
    async () => {
      await fc.assert(
        fc.asyncProperty(configTexts, async (text) => expectConfigOrProblems(await parseAppConfig(text, jq))),
        textTarget.parameters(),
      );
    },
    textTarget.timeoutMs,
  );

  it(
    'answers any structured config, jq programs included, with the config or its problems, and never throws',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(shapedConfigs, tree), async (config) => expectConfigOrProblems(await parseAppConfig(config, jq))),
        structureTarget.parameters(),
      );
    },
    structureTarget.timeoutMs,
  );
});
