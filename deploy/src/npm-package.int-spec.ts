import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './dockerfile';

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
const COMMANDS = ['gateway', 'mapper', 'publisher', 'actions', 'catalog', 'all', 'validate', 'status', 'resync', 'dlq'];

/**
 * The package as an operator gets it: `npm pack` (whose prepack builds dist/) and the tarball installed in an empty
 * folder with its production dependencies from the registry, as `npm install glint-github-app-<version>.tgz` does
 * (`--prefer-offline` reuses this machine's npm cache: about 15 s instead of a minute; `--ignore-scripts` skips a
 * dependency's optional native build the commands never load). Then `npx glint` runs the installed bin.
 */
describe('the npm package', () => {
  let scratch: string;
  let project: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'glint-package-'));
    npm(['pack', '--pack-destination', scratch], REPOSITORY_ROOT);
    const [tarball] = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
    project = join(scratch, 'operator');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), '{ "name": "operator", "private": true }\n');
    npm(['install', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(scratch, tarball)], project);
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The link npm made for the bin, which `npx glint` runs (the first tests go through npx itself; npx costs seconds a call). */
  const installedBin = () => join(project, 'node_modules/.bin/glint');

  it('installs a glint command whose --help names every service and command', () => {
    const help = npm(['exec', '--no', '--', 'glint', '--help'], project);

    for (const command of COMMANDS) expect(help).toMatch(new RegExp(`^ {2}.*\\b${command}\\b`, 'm'));
    expect(execFileSync('npx', ['--no-install', 'glint', '--help'], { cwd: project, encoding: 'utf8' })).toBe(help);
  });

  it('runs the same command from the checkout, whose build links its own bin', () => {
    expect(execFileSync('npx', ['--no-install', 'glint', '--help'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' })).toBe(npm(['exec', '--no', '--', 'glint', '--help'], project));
  });

  it("answers each command's --help from the installed build", () => {
    for (const command of ['validate', 'status', 'resync', 'dlq']) {
      const result = spawnSync(installedBin(), [command, '--help'], { cwd: project, encoding: 'utf8' });

      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: glint ${command} `));
    }
  });

  it('runs a command that loads the libraries: validate, on a file with a problem', () => {
    writeFileSync(join(project, 'port-app-config.yml'), 'resources:\n  - kind: repository\n    selector: {}\n');

    const result = spawnSync(installedBin(), ['validate', 'port-app-config.yml'], { cwd: project, encoding: 'utf8' });

    expect(result.stderr).not.toMatch(/Cannot find module/);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('port-app-config.yml');
  });

  it('exits 2 with the usage line on an unknown command, instead of running another package', () => {
    const result = spawnSync(installedBin(), ['stauts'], { cwd: project, encoding: 'utf8' });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^glint: unknown service "stauts"\nusage: glint /);
  });
});
