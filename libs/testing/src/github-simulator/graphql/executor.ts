import {
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getDirectiveValues,
  GraphQLAbstractType,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLSkipDirective,
  GraphQLIncludeDirective,
  GraphQLUnionType,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { errorAt, GithubGraphqlError, TypedResolverError } from './errors';

/** A null in a non-null position: the nearest nullable parent becomes null. */
const BUBBLE = Symbol('null bubbles up');

/** A response path as a linked list, made into an array only for an error. */
interface Path {
  prev: Path | undefined;
  key: string | number;
}

function pathArray(path: Path | undefined): Array<string | number> {
  const keys: Array<string | number> = [];
  for (let at = path; at; at = at.prev) keys.push(at.key);
  return keys.reverse();
}

interface FieldGroup {
  nodes: FieldNode[];
  /** Absent for `__typename`. */
  definition?: GraphQLField<unknown, unknown>;
}

/**
 * Runs a validated query against view objects: a field is the view's property of that name, called with the field's
 * arguments when it is a function; abstract types are told by the value's `__typename`. It does what graphql-js's
 * `execute` does for the simulator's synchronous views, several times faster: graphql-js checks every type with a
 * costly development-mode `instanceof`, and the field collection and arguments here are worked out once per query.
 */
class Execution {
  readonly errors: GithubGraphqlError[] = [];
  private readonly collected = new Map<object, Map<string, Map<string, FieldGroup>>>();
  private readonly argumentsByNode = new Map<FieldNode, Record<string, unknown>>();
  private readonly subtypes = new Map<string, boolean>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  object(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], key: object, value: unknown, path: Path | undefined): Record<string, unknown> | typeof BUBBLE {
    const out: Record<string, unknown> = {};
    for (const [responseKey, group] of this.fields(type, selectionSets, key)) {
      if (!group.definition) {
        out[responseKey] = type.name;
        continue;
      }
      const fieldPath: Path = { prev: path, key: responseKey };
      const completed = this.complete(group.definition.type, group, this.resolve(value, group, fieldPath), fieldPath, type);
      if (completed === BUBBLE) {
        if (group.definition.type instanceof GraphQLNonNull) return BUBBLE;
        out[responseKey] = null;
      } else {
        out[responseKey] = completed;
      }
    }
    return out;
  }

  private resolve(value: unknown, group: FieldGroup, path: Path): unknown {
    if (value === null || typeof value !== 'object') return null;
    const name = group.nodes[0].name.value;
    const property: unknown = Reflect.get(value, name);
    if (typeof property !== 'function') return property;
    try {
      return Reflect.apply(property, value, [this.argumentsOf(group)]);
    } catch (error) {
      const type = error instanceof TypedResolverError ? error.type : undefined;
      this.errors.push(errorAt(type, error instanceof Error ? error.message : String(error), group.nodes[0], pathArray(path)));
      return null;
    }
  }

  private argumentsOf(group: FieldGroup): Record<string, unknown> {
    const node = group.nodes[0];
    let args = this.argumentsByNode.get(node);
    if (!args) {
      args = group.definition ? getArgumentValues(group.definition, node, this.variables) : {};
      this.argumentsByNode.set(node, args);
    }
    return args;
  }

  private complete(type: GraphQLOutputType, group: FieldGroup, value: unknown, path: Path, parent: GraphQLObjectType): unknown {
    if (type instanceof GraphQLNonNull) {
      const completed = this.complete(type.ofType, group, value, path, parent);
      if (completed === null) {
        this.errors.push(errorAt(undefined, `Cannot return null for non-nullable field ${parent.name}.${group.nodes[0].name.value}.`, group.nodes[0], pathArray(path)));
        return BUBBLE;
      }
      return completed;
    }
    if (value === null || value === undefined) return null;
    if (type instanceof GraphQLList) {
      if (!Array.isArray(value)) return null;
      const items: unknown[] = [];
      for (let index = 0; index < value.length; index++) {
        const completed = this.complete(type.ofType, group, value[index], { prev: path, key: index }, parent);
        if (completed === BUBBLE) return BUBBLE;
        items.push(completed);
      }
      return items;
    }
    if (type instanceof GraphQLScalarType || type instanceof GraphQLEnumType) return value;
    const objectType = type instanceof GraphQLObjectType ? type : this.runtimeType(type, value);
    if (!objectType) {
      this.errors.push(errorAt(undefined, `Simulator error: no concrete type for a ${type.name} at ${pathArray(path).join('.')}`, group.nodes[0], pathArray(path)));
      return null;
    }
    const selectionSets = group.nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    return this.object(objectType, selectionSets, group, value, path);
  }

  private runtimeType(type: GraphQLAbstractType, value: unknown): GraphQLObjectType | undefined {
    const name = value !== null && typeof value === 'object' ? Reflect.get(value, '__typename') : undefined;
    if (typeof name !== 'string') return undefined;
    const candidate = this.schema.getType(name);
    return candidate instanceof GraphQLObjectType && this.isSubtype(type, candidate) ? candidate : undefined;
  }

  private isSubtype(abstract: GraphQLAbstractType, type: GraphQLObjectType): boolean {
    const key = `${abstract.name}>${type.name}`;
    let answer = this.subtypes.get(key);
    if (answer === undefined) {
      answer = this.schema.isSubType(abstract, type);
      this.subtypes.set(key, answer);
    }
    return answer;
  }

  /** The fields a selection asks of an object type, by response key, fragments applied; worked out once per query. */
  private fields(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], key: object): Map<string, FieldGroup> {
    let byType = this.collected.get(key);
    if (!byType) {
      byType = new Map();
      this.collected.set(key, byType);
    }
    let fields = byType.get(type.name);
    if (!fields) {
      fields = new Map();
      for (const selectionSet of selectionSets) this.collect(type, selectionSet, fields);
      byType.set(type.name, fields);
    }
    return fields;
  }

  private collect(type: GraphQLObjectType, selectionSet: SelectionSetNode, into: Map<string, FieldGroup>): void {
    for (const selection of selectionSet.selections) {
      if (getDirectiveValues(GraphQLSkipDirective, selection, this.variables)?.if === true) continue;
      if (getDirectiveValues(GraphQLIncludeDirective, selection, this.variables)?.if === false) continue;
      if (selection.kind === 'Field') {
        const responseKey = selection.alias?.value ?? selection.name.value;
        const existing = into.get(responseKey);
        if (existing) existing.nodes.push(selection);
        else into.set(responseKey, { nodes: [selection], definition: selection.name.value === '__typename' ? undefined : type.getFields()[selection.name.value] });
      } else if (selection.kind === 'InlineFragment') {
        if (!selection.typeCondition || this.applies(selection.typeCondition.name.value, type)) this.collect(type, selection.selectionSet, into);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (fragment && this.applies(fragment.typeCondition.name.value, type)) this.collect(type, fragment.selectionSet, into);
      }
    }
  }

  private applies(condition: string, type: GraphQLObjectType): boolean {
    if (condition === type.name) return true;
    const conditionType = this.schema.getType(condition);
    return (conditionType instanceof GraphQLInterfaceType || conditionType instanceof GraphQLUnionType) && this.isSubtype(conditionType, type);
  }
}

/** Runs a validated query operation; `root` is the Query type's view. */
export function executeQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  root: object,
): { data: Record<string, unknown> | null; errors: GithubGraphqlError[] } {
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error('The schema has no Query type');
  const execution = new Execution(schema, fragments, variables);
  const data = execution.object(queryType, [operation.selectionSet], operation, root, undefined);
  return { data: data === BUBBLE ? null : data, errors: execution.errors };
}
