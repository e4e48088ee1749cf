import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLINT_VERSION } from './version';

describe('GLINT_VERSION', () => {
  it('is the version package.json declares', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(GLINT_VERSION).toBe(manifest.version);
  });
});
