import { needsField, project } from './entity-view';
import type { EntityView } from './entity.types';

const view: EntityView = {
  identifier: 'api',
  title: 'API',
  blueprint: 'service',
  team: ['core'],
  properties: { url: 'https://x', stars: 3 },
  relations: { team: 'core' },
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'client',
  updatedAt: '2026-01-02T00:00:00.000Z',
  updatedBy: 'client',
};

describe('include and exclude', () => {
  it('keeps only the included fields, with or without $, as Port clients send them', () => {
    expect(project(view, { include: ['blueprint', '$identifier'] })).toEqual({ blueprint: 'service', identifier: 'api' });
  });

  it('includes single properties and relations by identifier', () => {
    expect(project(view, { include: ['identifier', 'stars', 'relations.team'] })).toEqual({ identifier: 'api', properties: { stars: 3 }, relations: { team: 'core' } });
  });

  it('drops excluded fields and properties', () => {
    expect(project(view, { exclude: ['$createdAt', 'properties.url', 'relations'] })).toEqual({ ...view, createdAt: undefined, properties: { stars: 3 }, relations: undefined });
  });

  it('tells when properties need not be read at all', () => {
    expect(needsField({ include: ['identifier', 'blueprint'] }, 'properties')).toBe(false);
    expect(needsField({ include: ['identifier', 'url'] }, 'properties')).toBe(true);
    expect(needsField({}, 'relations')).toBe(true);
    expect(needsField({ exclude: ['relations'] }, 'relations')).toBe(false);
  });
});
