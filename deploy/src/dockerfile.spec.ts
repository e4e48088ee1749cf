import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execForm, finalStage, parseDockerfile, readDockerfile, REPOSITORY_ROOT } from './dockerfile';

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and numbers the stages', () => {
    const sut = parseDockerfile('# syntax=docker/dockerfile:1\nFROM a AS build\nRUN one \\\n # inside\n && two\nFROM b\nUSER 1000\n');

    expect(sut).toEqual([
      { instruction: 'FROM', args: 'a AS build', stage: 0 },
      { instruction: 'RUN', args: 'one && two', stage: 0 },
      { instruction: 'FROM', args: 'b', stage: 1 },
      { instruction: 'USER', args: '1000', stage: 1 },
    ]);
  });
});

describe('the Dockerfile', () => {
  const instructions = readDockerfile();
  const runtime = finalStage(instructions);
  const args = (name: string) => runtime.filter((instruction) => instruction.instruction === name).map((instruction) => instruction.args);

  it('builds in other stages than the one it ships, on the same Node release', () => {
    const bases = instructions.filter((instruction) => instruction.instruction === 'FROM').map((instruction) => instruction.args.split(/\s+/)[0]);

    expect(bases.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bases).size).toBe(1);
    expect(args('RUN')).toEqual([]);
  });

  it('ships only the build output, the production dependencies and package.json, owned by root', () => {
    const copies = args('COPY');

    expect(copies.map((copy) => copy.split(/\s+/).at(-1))).toEqual(['./package.json', './node_modules', './dist']);
    for (const copy of copies) expect(copy).toMatch(/^--from=\S+ --chown=root:root /);
  });

  it('runs as a numeric non-root user, so Kubernetes can verify runAsNonRoot', () => {
    const [user] = args('USER').slice(-1);

    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
  });

  it('starts the glint command, all services by default', () => {
    expect(execForm(runtime, 'ENTRYPOINT').slice(-1)).toEqual(['dist/glint']);
    expect(execForm(runtime, 'CMD')).toEqual(['all']);
  });

  it('puts the glint command on the PATH, linked to the build the image ships', () => {
    const linked = instructions.filter((instruction) => instruction.instruction === 'RUN' && instruction.stage < runtime[0].stage).some((instruction) => instruction.args.includes('ln -s ../../dist/glint node_modules/.bin/glint'));

    expect(linked).toBe(true);
    expect(args('ENV')).toContain('PATH=/app/node_modules/.bin:$PATH');
  });

  it('checks health with the launcher healthcheck', () => {
    expect(execForm(runtime, 'HEALTHCHECK').join(' ')).toContain('node dist/apps/glint/src/healthcheck.js');
  });

  it('keeps secrets, dependencies and build output of the checkout out of the build context', () => {
    const ignored = readFileSync(join(REPOSITORY_ROOT, '.dockerignore'), 'utf8').split('\n');

    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', 'node_modules', 'dist', '.git']));
  });
});
