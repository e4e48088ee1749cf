import { DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, parse, validate } from 'graphql';
import { fromGraphqlError, GithubGraphqlError } from './errors';

/** A query text parsed and validated against the schema. */
export interface PreparedDocument {
  document?: DocumentNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Syntax or schema-validation errors: the query is not run. */
  errors: GithubGraphqlError[];
}

/** Parsed and validated documents by query text: a client sends the same few query texts over and over. */
export class DocumentCache {
  private readonly documents = new Map<string, PreparedDocument>();

  constructor(
    private readonly schema: () => GraphQLSchema,
    private readonly capacity = 500,
  ) {}

  prepare(text: string): PreparedDocument {
    const cached = this.documents.get(text);
    if (cached) return cached;
    const prepared = this.prepareUncached(text);
    if (this.documents.size >= this.capacity) this.documents.delete(this.documents.keys().next().value ?? '');
    this.documents.set(text, prepared);
    return prepared;
  }

  private prepareUncached(text: string): PreparedDocument {
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (error) {
      if (error instanceof GraphQLError) return { fragments: new Map(), errors: [fromGraphqlError(error)] };
      throw error;
    }
    const errors = validate(this.schema(), document).map(fromGraphqlError);
    if (errors.length > 0) return { fragments: new Map(), errors };
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
    return { document, fragments, errors: [] };
  }
}
