import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

describe('glint validate', () => {
  let directory: string;

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    directory = mkdtempSync(join(tmpdir(), 'glint-validate-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };
  const glint = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/glint'), 'validate', ...args], { encoding: 'utf8' });

  it('passes the shipped default mapping and a valid port.yml', () => {
    const result = glint(join(root, 'libs/mapping/src/defaults/port-app-config.yml'), file('port.yml', 'identifier: api\nblueprint: service\n'));

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ok {6}.*port-app-config\.yml \(port-app-config\)\nok {6}.*port\.yml \(port\.yml\)\n$/);
  });

  it('exits 1 listing each problem with file, line and path', () => {
    const mapping = file('port-app-config.yml', "resources:\n  - kind: repository\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: .name |\n          blueprint: '\"x\"'\n");
    const spec = file('services-port.yml', '- identifier: api\n  title: 5\n');
    const badIdentifier = file('bad-port.yml', 'identifier: my api\nblueprint: service\n');

    const result = glint(mapping, spec, badIdentifier);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`invalid ${mapping}:8: resources[0].port.entity.mappings.identifier: jq compile error:`);
    expect(result.stdout).toContain(`invalid ${spec}:2: [0].title: expected a string`);
    expect(result.stdout).toContain(`invalid ${spec}:1: [0].blueprint: missing; every entity needs a blueprint (a string)`);
    expect(result.stdout).toContain(`invalid ${badIdentifier}:1: identifier: the identifier "my api" contains " "`);
  });

  it('exits 2 without a file', () => {
    expect(glint().status).toBe(2);
  });
});
