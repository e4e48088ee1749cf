import { RouteDefinition } from './context';
import { Router } from './router';

const handler: RouteDefinition['handler'] = () => ({ status: 200 });
const route = (pattern: string, method: 'GET' | 'POST' = 'GET'): RouteDefinition => ({ method, pattern, auth: 'token', handler });

describe('Router', () => {
  const sut = new Router([
    route('/repos/{owner}/{repo}'),
    route('/repos/{owner}/{repo}/branches/{branch+}/protection'),
    route('/repos/{owner}/{repo}/branches/{branch+}'),
    route('/repos/{owner}/{repo}/contents/{path+}'),
    route('/app/installations/{id}/access_tokens', 'POST'),
  ]);

  it.each([
    ['GET', '/repos/acme/api', '/repos/{owner}/{repo}', { owner: 'acme', repo: 'api' }],
    ['GET', '/repos/acme/api/branches/release%2F1.x/protection', '/repos/{owner}/{repo}/branches/{branch+}/protection', { branch: 'release/1.x' }],
    ['GET', '/repos/acme/api/branches/feature/login', '/repos/{owner}/{repo}/branches/{branch+}', { branch: 'feature/login' }],
    ['GET', '/repos/acme/api/contents/.github/workflows/ci.yml', '/repos/{owner}/{repo}/contents/{path+}', { path: '.github/workflows/ci.yml' }],
    ['POST', '/app/installations/7/access_tokens', '/app/installations/{id}/access_tokens', { id: '7' }],
  ])('%s %s', (method, path, pattern, params) => {
    const match = sut.match(method, path);
    expect(match?.definition.pattern).toBe(pattern);
    expect(match?.params).toMatchObject(params);
  });

  it('does not match another method or an unknown path', () => {
    expect(sut.match('GET', '/app/installations/7/access_tokens')).toBeUndefined();
    expect(sut.match('GET', '/repos/acme')).toBeUndefined();
  });
});
