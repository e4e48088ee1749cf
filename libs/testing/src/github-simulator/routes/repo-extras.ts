import { json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { paginateWrapped } from '../pagination';
import { RepoRecord } from '../state';
import { JsonObject } from '../templates';

/** The packages a repository's `package.json` (default branch) depends on, as the dependency graph lists them. */
function npmDependencies(ctx: RouteContext, repo: RepoRecord): Array<[string, string]> {
  const manifest = ctx.state.repoData(repo).files.get('package.json');
  if (!manifest) return [];
  try {
    const parsed = JSON.parse(manifest) as { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> };
    return Object.entries({ ...parsed.dependencies, ...parsed.devDependencies }).map(([name, version]) => [name, String(version).replace(/^[\^~]/, '')]);
  } catch {
    return [];
  }
}

/** `GET …/dependency-graph/sbom`: an SPDX 2.3 document of the repository and what its manifests depend on. */
function sbomOf(ctx: RouteContext, repo: RepoRecord): JsonObject {
  const host = new URL(ctx.render.webBase).host;
  const root = `SPDXRef-${repo.name}`;
  const dependencies = npmDependencies(ctx, repo);
  const packages = [
    { SPDXID: root, name: `${host}/${repo.fullName}`, versionInfo: repo.defaultBranch, downloadLocation: 'NOASSERTION', filesAnalyzed: false, licenseConcluded: 'NOASSERTION', licenseDeclared: 'NOASSERTION', externalRefs: [] },
    ...dependencies.map(([name, version]) => ({
      SPDXID: `SPDXRef-npm-${name.replace(/[^A-Za-z0-9.-]/g, '-')}-${version}`,
      name: `npm:${name}`,
      versionInfo: version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      supplier: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/${name}@${version}` }],
    })),
  ];
  return {
    sbom: {
      SPDXID: 'SPDXRef-DOCUMENT',
      spdxVersion: 'SPDX-2.3',
      creationInfo: { created: repo.pushedAt, creators: [`Tool: GitHub.com-Dependency-Graph`] },
      name: `com.github.${repo.fullName}`,
      dataLicense: 'CC0-1.0',
      documentNamespace: `${ctx.render.webBase}/${repo.fullName}/dependency_graph/sbom-${repo.id}`,
      documentDescribes: [root],
      packages,
      relationships: [
        { relationshipType: 'DESCRIBES', spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: root },
        ...packages.slice(1).map((dependency) => ({ relationshipType: 'DEPENDS_ON', spdxElementId: root, relatedSpdxElement: dependency.SPDXID })),
      ],
    },
  };
}

export const repoExtraRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/dependency-graph/sbom',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? json(sbomOf(ctx, repo)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/pages',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const pages = repo?.pages;
      if (!repo || !pages) return notFound();
      const html = pages.cname ? `https://${pages.cname}/` : `${ctx.render.webBase.replace('://', `://${repo.ownerLogin.toLowerCase()}.pages.`)}/${repo.name}/`;
      return json({
        url: `${ctx.render.apiBase}/repos/${repo.fullName}/pages`,
        status: 'built',
        cname: pages.cname,
        custom_404: false,
        html_url: html,
        build_type: pages.buildType,
        source: { branch: pages.sourceBranch, path: pages.sourcePath },
        public: repo.visibility === 'public',
        https_enforced: true,
        protected_domain_state: null,
        pending_domain_unverified_at: null,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/environments/{name}/variables',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const environment = repo && ctx.state.repoData(repo).environments.find((candidate) => candidate.name === ctx.params.name);
      if (!repo || !environment) return notFound();
      return paginateWrapped(ctx, 'variables', environment.variables ?? [], (variable) => ({
        name: variable.name,
        value: variable.value,
        created_at: variable.createdAt,
        updated_at: variable.updatedAt,
      }));
    },
  },
];
