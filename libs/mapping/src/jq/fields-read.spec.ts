import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GRAPHQL_PULL_REQUEST_FIELDS, GRAPHQL_REPOSITORY_FIELDS } from '@glint/github';
import type { ResourceConfig } from '../config/app-config.types';
import { fieldsRead, firstUnsupportedField, listingApiFor, resourceFieldsRead } from './fields-read';

const shipped = parse(readFileSync(join(__dirname, '../defaults/port-app-config.yml'), 'utf8')) as { resources: ResourceConfig[] };
const shippedResource = (kind: string): ResourceConfig => {
  const found = shipped.resources.find((resource) => resource.kind === kind);
  if (!found) throw new Error(`no ${kind} resource in the shipped mapping`);
  return found;
};

const PULL_FIELDS = GRAPHQL_PULL_REQUEST_FIELDS;
const REPOSITORY_FIELDS = GRAPHQL_REPOSITORY_FIELDS;

function withProperty(resource: ResourceConfig, name: string, program: string): ResourceConfig {
  const { mappings } = resource.port.entity;
  return { ...resource, port: { ...resource.port, entity: { mappings: { ...mappings, properties: { ...mappings.properties, [name]: program } } } } };
}

describe('fieldsRead', () => {
  it.each([
    ['.a.b', ['a.b']],
    ['.a[].b', ['a[].b']],
    ['.["a"].b', ['a.b']],
    ['.a."b c"', ['a.b c']],
    ['.x as $x | $x.a', ['x.a']],
    ['.head.repo.name + (.id|tostring)', ['head.repo.name', 'id']],
    ['if .description then .description else "" end', ['description']],
    ['[.assignees[].login | gsub("x"; "y")]', ['assignees[].login']],
    ['.__includedFiles["README.md"]', ['__includedFiles.README.md']],
    ['"\\(.name)-\\(.owner.login)"', ['name', 'owner.login']],
    ['.labels | map(.name)', ['labels[].name']],
    ['{a: .x, b: .y.z}', ['x', 'y.z']],
    ['"literal .not.a.field"', []],
    ['.a // .b', ['a', 'b']],
    ['[.items[] | select(.enabled) | .name]', ['items[].enabled', 'items[].name']],
  ])('%s reads %j', (program, fields) => {
    expect(fieldsRead(program)).toEqual({ known: true, fields: [...fields].sort() });
  });

  it.each([
    ['. | tojson', 'tojson'],
    ['.[$k]', 'computed at run time'],
    ['..', "'..'"],
    ['keys', 'keys'],
    ['to_entries', 'to_entries'],
    ['with_entries(.value)', 'with_entries'],
    ['has("a")', 'has'],
    ['del(.a)', 'del'],
    ['getpath(["a"])', 'getpath'],
    ['paths', 'paths'],
    ['.', 'whole input'],
    ['def f: .a; f', 'def'],
    ['.[]', "'.[]'"],
    ['myfunction(.a)', "'myfunction/1'"],
  ])('%s is unknown (%s)', (program, because) => {
    const read = fieldsRead(program);
    expect(read.known).toBe(false);
    expect(read.known ? '' : read.reason).toContain(because);
  });

  it('reads the shipped pull-request mapping, lead time included, field by field', () => {
    expect(resourceFieldsRead(shippedResource('pull-request'))).toEqual({
      known: true,
      fields: ['__repository', 'assignees[].login', 'closed_at', 'created_at', 'head.repo.name', 'html_url', 'id', 'merged_at', 'requested_reviewers[].login', 'state', 'title', 'updated_at', 'user.login'],
    });
  });
});

describe('listingApiFor', () => {
  it('lists the shipped repository and pull-request resources through GraphQL', () => {
    expect(listingApiFor(shippedResource('repository'), REPOSITORY_FIELDS)).toEqual({ api: 'graphql' });
    expect(listingApiFor(shippedResource('pull-request'), PULL_FIELDS)).toEqual({ api: 'graphql' });
  });

  it('lists through REST, naming the field, when the mapping reads one GraphQL does not supply', () => {
    const choice = listingApiFor(withProperty(shippedResource('pull-request'), 'email', '.user.email'), PULL_FIELDS);
    expect(choice).toEqual({ api: 'rest', reason: expect.stringContaining("'user.email'") });
  });

  it.each([
    ['. | tojson', 'tojson'],
    ['.[$k]', 'computed at run time'],
  ])('lists through REST when a property reads %s', (program, because) => {
    const choice = listingApiFor(withProperty(shippedResource('pull-request'), 'raw', program), PULL_FIELDS);
    expect(choice).toEqual({ api: 'rest', reason: expect.stringContaining(because) });
  });

  it('reads search-query rule values and the selector query', () => {
    const resource: ResourceConfig = {
      ...shippedResource('pull-request'),
      selector: { query: '.draft | not' },
      port: { ...shippedResource('pull-request').port, entity: { mappings: { ...shippedResource('pull-request').port.entity.mappings, relations: { owner: { combinator: 'and', rules: [{ property: 'x', operator: '=', value: '.user.id' }] } } } } },
    };
    const read = resourceFieldsRead(resource);
    expect(read.known && read.fields).toEqual(expect.arrayContaining(['draft', 'user.id']));
  });

  it('covers a field under a supplied whole value, not a whole value under a supplied field', () => {
    expect(firstUnsupportedField(['__includedFiles.README.md', 'assignees[].login'], ['__includedFiles', 'assignees[].login'])).toBeUndefined();
    expect(firstUnsupportedField(['assignees'], ['assignees[].login'])).toBe('assignees');
  });
});
