import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_CONTRACT } from './env-contract';

describe('the README env table', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const tableRows = readme.split('\n').filter((line) => line.startsWith('| `'));

  it.each(ENV_CONTRACT.map((variable) => [variable.name, variable] as const))('documents %s with its default', (_name, variable) => {
    const spelled = [variable.name, ...('aliases' in variable ? variable.aliases : [])].map((name) => `\`${name}\``).join(' / ');
    const row = tableRows.find((line) => line.startsWith(`| ${spelled} |`));

    expect(row).toBeDefined();
    if ('defaultValue' in variable && /^[\w:/.@-]+$/.test(variable.defaultValue)) expect(row).toContain(`\`${variable.defaultValue}\``);
  });
});
