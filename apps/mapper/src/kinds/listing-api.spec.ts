import type { FetchContext, GithubGraphqlClient, GithubRestClient } from '@glint/github';
import { defaultMappingYaml, type ResourceConfig } from '@glint/mapping';
import { parse } from 'yaml';
import { listingApi } from './listing-api';

const shipped = (parse(defaultMappingYaml()) as { resources: ResourceConfig[] }).resources;
const pullResource = shipped.find((resource) => resource.kind === 'pull-request') as ResourceConfig;
const repositoryResource = shipped.find((resource) => resource.kind === 'repository') as ResourceConfig;

const graphql: GithubGraphqlClient = { query: async () => Promise.reject(new Error('not called')) };
const client = {} as GithubRestClient;
const withGraphql: FetchContext = { client, graphql, organization: 'acme' };

function withProperty(resource: ResourceConfig, program: string): ResourceConfig {
  const { mappings } = resource.port.entity;
  return { ...resource, port: { ...resource.port, entity: { mappings: { ...mappings, properties: { ...mappings.properties, extra: program } } } } };
}

describe('listingApi', () => {
  it('lists the shipped repository and pull-request resources through GraphQL in REST’s shape', () => {
    expect(listingApi('pull-request', withGraphql, pullResource.selector, pullResource)).toEqual({ api: 'graphql', shape: 'rest' });
    expect(listingApi('repository', withGraphql, repositoryResource.selector, repositoryResource)).toEqual({ api: 'graphql', shape: 'rest' });
  });

  it('lists through REST when the mapping reads a field GraphQL does not supply, or any field', () => {
    expect(listingApi('pull-request', withGraphql, pullResource.selector, withProperty(pullResource, '.user.email'))).toEqual({ api: 'rest' });
    expect(listingApi('pull-request', withGraphql, pullResource.selector, withProperty(pullResource, '. | tojson'))).toEqual({ api: 'rest' });
  });

  it("follows the selector's api: rest, and graphql in the peer's shape", () => {
    expect(listingApi('pull-request', withGraphql, { ...pullResource.selector, api: 'rest' }, pullResource)).toEqual({ api: 'rest' });
    expect(listingApi('pull-request', withGraphql, { ...pullResource.selector, api: 'graphql' }, withProperty(pullResource, '.isDraft'))).toEqual({ api: 'graphql', shape: 'peer' });
  });

  it('lists through REST without a GraphQL client, for a narrowed listing, repositoryType member, or relations', () => {
    expect(listingApi('pull-request', { client, organization: 'acme' }, pullResource.selector, pullResource)).toEqual({ api: 'rest' });
    expect(listingApi('pull-request', { ...withGraphql, repositories: [] }, pullResource.selector, pullResource)).toEqual({ api: 'rest' });
    expect(listingApi('pull-request', withGraphql, { ...pullResource.selector, repositoryType: 'member' }, pullResource)).toEqual({ api: 'rest' });
    expect(listingApi('repository', withGraphql, { ...repositoryResource.selector, includedRelations: ['teams'] }, repositoryResource)).toEqual({ api: 'rest' });
  });

  it("counts file:// properties' files as supplied: the mapper reads them after any listing", () => {
    expect(listingApi('repository', withGraphql, repositoryResource.selector, withProperty(repositoryResource, '.__files["docs/owners.md"]'))).toEqual({ api: 'graphql', shape: 'rest' });
  });

  it('counts firstCommit as supplied when enrichWithFirstCommit adds it after any listing', () => {
    const reading = withProperty(pullResource, '.firstCommit.committedDate');
    expect(listingApi('pull-request', withGraphql, pullResource.selector, reading)).toEqual({ api: 'rest' });
    expect(listingApi('pull-request', withGraphql, { ...pullResource.selector, enrichWithFirstCommit: true }, reading)).toEqual({ api: 'graphql', shape: 'rest' });
  });
});
