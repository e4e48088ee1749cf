import fc from 'fast-check';
import { fuzzTarget } from '@glint/testing';
import { arbitraryTexts, asYaml, mutatedText, yamlTokens } from '../mapping-fuzz-inputs.spec-helper';
import { validateConfigFile } from '../validation/validate-config-file';
import { ParsedPortYml, parsePortYml } from './port-yml';

const VALID_PORT_YML = `- identifier: api
  title: API
  blueprint: service
  team: [platform, web]
  icon: Github
  properties:
    tier: gold
    url: https://api.example.com
    readme: file://README.md
    tags: [a, b]
    config:
      nested: {deep: 1}
  relations:
    owners: [a, b]
    system: core
    cleared: null
- identifier: web
  blueprint: service
`;

const ENTITY_KEYS = ['identifier', 'title', 'blueprint', 'team', 'icon', 'properties', 'relations', '__proto__', 'constructor', 'toString', 'colour'];
const keys = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ENTITY_KEYS) }, fc.string({ maxLength: 8 }));

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.jsonValue({ maxDepth: 0 }),
    fc.constantFrom('file://README.md', 'file://../x', ''),
    fc.dictionary(keys, tie('value'), { maxKeys: 5, noNullPrototype: true }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
}));

const entities = fc.record(
  {
    identifier: fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 20 }) }, value),
    blueprint: fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 20 }) }, value),
    title: fc.oneof(fc.string(), value),
    team: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), value),
    icon: value,
    properties: fc.oneof({ weight: 3, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 }) }, value),
    relations: fc.oneof({ weight: 3, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), value), { maxKeys: 3 }) }, value),
  },
  { requiredKeys: [] },
);

const portYmlTexts = fc.oneof(
  arbitraryTexts(ENTITY_KEYS.map((key) => `${key}: `)),
  mutatedText(VALID_PORT_YML, yamlTokens),
  fc.oneof(entities, fc.array(entities, { maxLength: 3 }), value).map(asYaml),
);

/** The entities, each as plain JSON the catalog can take, or at least one problem with a path and a message. */
function expectEntitiesOrProblems(parsed: ParsedPortYml): void {
  if (parsed.ok) {
    for (const entity of parsed.entities) {
      expect({ identifier: typeof entity.identifier, blueprint: typeof entity.blueprint }).toEqual({ identifier: 'string', blueprint: 'string' });
      expect(JSON.parse(JSON.stringify(entity))).toEqual(entity);
    }
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

const parseTarget = fuzzTarget('port.yml parsing', { seed: 20_260_116, runs: 1_000, timeoutMs: 30_000 });
const validateTarget = fuzzTarget('port.yml validation (glint validate, check runs)', { seed: 20_260_116, runs: 500, timeoutMs: 30_000 });

describe('port.yml under arbitrary input', () => {
  it(
    'parses any text into plain-JSON entities or problems with their paths, and never throws',
    () => {
      fc.assert(
        fc.property(portYmlTexts, (text) => expectEntitiesOrProblems(parsePortYml(text))),
        parseTarget.parameters(),
      );
    },
    parseTarget.timeoutMs,
  );

  it(
    'validates any text as a port.yml with problems that name a path and a message, and never throws',
    async () => {
      const noJq = { check: async () => ({ ok: true as const }) };
      await fc.assert(
        fc.asyncProperty(portYmlTexts, async (text) => {
          const validation = await validateConfigFile('services/api/port.yml', text, noJq);

          expect(validation.kind).toBe('port.yml');
          for (const problem of validation.problems) expect(typeof problem.path === 'string' && problem.message.trim() !== '').toBe(true);
        }),
        validateTarget.parameters(),
      );
    },
    validateTarget.timeoutMs,
  );
});
