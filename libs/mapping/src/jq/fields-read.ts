import type { JqOrSearchQuery, ResourceConfig, SearchQuery } from '../config/app-config.types';

/**
 * Which fields of its input a jq program reads (`.a.b` → `a.b`, `.a[].b` → `a[].b`, `.["a"]`, `$x.a` after
 * `.x as $x`), found by reading the program, never running it. Where the program could read any field — the input
 * passed whole (`tojson`, `. | f`), `..`, `keys`, `to_entries`, a key computed at run time (`.[$k]`), a `def` — the
 * answer is "unknown", with why. String literals read nothing.
 */
export type FieldsRead = { known: true; fields: string[] } | { known: false; reason: string };

export function fieldsRead(program: string): FieldsRead {
  return fieldsReadByAll([program]);
}

/** The fields all of the programs read together; unknown as soon as one is. */
export function fieldsReadByAll(programs: readonly string[]): FieldsRead {
  const analysis = new Analysis();
  for (const program of programs) {
    let ast: Node;
    try {
      ast = new Parser(tokenize(program)).parseProgram();
    } catch (error) {
      return { known: false, reason: `could not read ${JSON.stringify(program)}: ${error instanceof Error ? error.message : String(error)}` };
    }
    try {
      analysis.consume(analysis.evaluate(ast, [ROOT], new Map()));
    } catch (error) {
      if (error instanceof Unsure) return { known: false, reason: `${error.message} in ${JSON.stringify(program)}` };
      throw error;
    }
  }
  return { known: true, fields: [...analysis.fields].sort() };
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { kind: 'field'; name: string }
  | { kind: 'dot' }
  | { kind: 'recurse' }
  | { kind: 'var'; name: string }
  | { kind: 'ident'; name: string }
  | { kind: 'number' }
  | { kind: 'string'; literal: string; interpolations: string[] }
  | { kind: 'format'; name: string }
  | { kind: 'punct'; value: string };

const PUNCTUATION = ['?//', '//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//', '|', ',', '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', '[', ']', '{', '}', ':', ';', '?'];
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const identAt = (start: number): string => {
    let end = start;
    while (end < source.length && (IDENT_PART.test(source[end]) || (source[end] === ':' && source[end + 1] === ':' && IDENT_START.test(source[end + 2] ?? '')))) end += source[end] === ':' ? 2 : 1;
    return source.slice(start, end);
  };
  while (at < source.length) {
    const char = source[at];
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '#') {
      while (at < source.length && source[at] !== '\n') at += 1;
    } else if (char === '"') {
      const read = readString(source, at);
      tokens.push({ kind: 'string', literal: read.literal, interpolations: read.interpolations });
      at = read.end;
    } else if (char === '.') {
      if (source[at + 1] === '.') {
        tokens.push({ kind: 'recurse' });
        at += 2;
      } else if (IDENT_START.test(source[at + 1] ?? '')) {
        const name = identAt(at + 1);
        tokens.push({ kind: 'field', name });
        at += 1 + name.length;
      } else if (source[at + 1] === '"') {
        const read = readString(source, at + 1);
        if (read.interpolations.length > 0) throw new Error('a field name with string interpolation');
        tokens.push({ kind: 'field', name: read.literal });
        at = read.end;
      } else if (/[0-9]/.test(source[at + 1] ?? '')) {
        at = readNumber(source, at);
        tokens.push({ kind: 'number' });
      } else {
        tokens.push({ kind: 'dot' });
        at += 1;
      }
    } else if (char === '$') {
      const name = identAt(at + 1);
      if (!name) throw new Error(`'$' without a name at ${at}`);
      tokens.push({ kind: 'var', name });
      at += 1 + name.length;
    } else if (char === '@') {
      const name = identAt(at + 1);
      tokens.push({ kind: 'format', name });
      at += 1 + name.length;
    } else if (/[0-9]/.test(char)) {
      at = readNumber(source, at);
      tokens.push({ kind: 'number' });
    } else if (IDENT_START.test(char)) {
      const name = identAt(at);
      tokens.push({ kind: 'ident', name });
      at += name.length;
    } else {
      const punct = PUNCTUATION.find((candidate) => source.startsWith(candidate, at));
      if (!punct) throw new Error(`unexpected ${JSON.stringify(char)} at ${at}`);
      tokens.push({ kind: 'punct', value: punct });
      at += punct.length;
    }
  }
  return tokens;
}

function readNumber(source: string, start: number): number {
  const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(start));
  return start + (match ? match[0].length : 1);
}

/** A string literal from its opening quote: its text, the sources of its `\(…)` parts, and where it ends. */
function readString(source: string, start: number): { literal: string; interpolations: string[]; end: number } {
  let at = start + 1;
  let literal = '';
  const interpolations: string[] = [];
  while (at < source.length) {
    const char = source[at];
    if (char === '"') return { literal, interpolations, end: at + 1 };
    if (char !== '\\') {
      literal += char;
      at += 1;
      continue;
    }
    const next = source[at + 1];
    if (next === '(') {
      let depth = 1;
      let end = at + 2;
      while (end < source.length && depth > 0) {
        if (source[end] === '"') {
          end = readString(source, end).end;
          continue;
        }
        if (source[end] === '(') depth += 1;
        if (source[end] === ')') depth -= 1;
        end += 1;
      }
      if (depth > 0) throw new Error('an unclosed string interpolation');
      interpolations.push(source.slice(at + 2, end - 1));
      at = end;
      continue;
    }
    literal += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : (next ?? '');
    at += 2;
  }
  throw new Error('an unclosed string');
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax

type Node =
  | { t: 'identity' }
  | { t: 'recurse' }
  | { t: 'field'; target: Node; name: string }
  | { t: 'index'; target: Node; index: Node | 'each' | 'element' }
  | { t: 'literal' }
  | { t: 'string'; parts: Node[] }
  | { t: 'format'; string?: Node }
  | { t: 'var'; name: string }
  | { t: 'pipe'; left: Node; right: Node }
  | { t: 'comma'; left: Node; right: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'negate'; operand: Node }
  | { t: 'array'; body?: Node }
  | { t: 'object'; entries: Array<{ key: Node | string; value?: Node }> }
  | { t: 'if'; branches: Array<{ condition: Node; then: Node }>; otherwise?: Node }
  | { t: 'try'; body: Node; handler?: Node }
  | { t: 'reduce'; source: Node; name: string; init: Node; update: Node; extract?: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'bind'; source: Node; name: string; body: Node }
  | { t: 'unsure'; reason: string };

const BINARY_LEVELS: ReadonlyArray<readonly string[]> = [['//'], ['=', '|=', '+=', '-=', '*=', '/=', '%=', '//='], ['or'], ['and'], ['==', '!=', '<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseProgram(): Node {
    if (this.tokens.length === 0) return { t: 'identity' };
    const node = this.parsePipe();
    if (this.at < this.tokens.length) throw new Error(`unexpected ${describeToken(this.tokens[this.at])}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.value === value;
  }

  private isIdent(name: string): boolean {
    const token = this.peek();
    return token?.kind === 'ident' && token.name === name;
  }

  private expectPunct(value: string): void {
    if (!this.isPunct(value)) throw new Error(`expected '${value}' but found ${describeToken(this.peek())}`);
    this.at += 1;
  }

  private expectIdent(name: string): void {
    if (!this.isIdent(name)) throw new Error(`expected '${name}' but found ${describeToken(this.peek())}`);
    this.at += 1;
  }

  private parsePipe(): Node {
    if (this.isIdent('def')) return this.skipToEnd('a function definition (def)');
    if (this.isIdent('label')) return this.skipToEnd('label/break');
    if (this.isIdent('import') || this.isIdent('include')) return this.skipToEnd('a module import');
    const left = this.parseComma();
    if (this.isPunct('|')) {
      this.at += 1;
      return { t: 'pipe', left, right: this.parsePipe() };
    }
    return left;
  }

  /** A construct this analysis does not follow: the rest of the program reads unknown fields. */
  private skipToEnd(reason: string): Node {
    this.at = this.tokens.length;
    return { t: 'unsure', reason };
  }

  private parseComma(): Node {
    let left = this.parseBinary(0);
    while (this.isPunct(',')) {
      this.at += 1;
      left = { t: 'comma', left, right: this.parseBinary(0) };
    }
    return left;
  }

  private parseBinary(level: number): Node {
    if (level >= BINARY_LEVELS.length) return this.parseUnary();
    const operators = BINARY_LEVELS[level];
    const left = this.parseBinary(level + 1);
    const token = this.peek();
    const op = token?.kind === 'punct' ? token.value : token?.kind === 'ident' ? token.name : undefined;
    if (op === undefined || !operators.includes(op)) return left;
    this.at += 1;
    // `//` is right-associative; the others are left-associative or non-associative, which reads the same here.
    const right = op === '//' ? this.parseBinary(level) : this.parseBinaryChain(level, left, op);
    return op === '//' ? { t: 'binary', op, left, right } : right;
  }

  private parseBinaryChain(level: number, first: Node, firstOp: string): Node {
    let left: Node = { t: 'binary', op: firstOp, left: first, right: this.parseBinary(level + 1) };
    for (;;) {
      const token = this.peek();
      const op = token?.kind === 'punct' ? token.value : token?.kind === 'ident' ? token.name : undefined;
      if (op === undefined || !BINARY_LEVELS[level].includes(op)) return left;
      this.at += 1;
      left = { t: 'binary', op, left, right: this.parseBinary(level + 1) };
    }
  }

  private parseUnary(): Node {
    if (this.isPunct('-')) {
      this.at += 1;
      return { t: 'negate', operand: this.parsePostfix() };
    }
    return this.parsePostfix();
  }

  /** A term and its suffixes; `binding`: whether `as $x | …` may follow (not in `reduce SOURCE as $x (…)`). */
  private parsePostfix(binding = true): Node {
    let node = this.parseTerm();
    for (;;) {
      const token = this.peek();
      if (token?.kind === 'field') {
        this.at += 1;
        node = { t: 'field', target: node, name: token.name };
      } else if (token?.kind === 'dot' && (this.tokens[this.at + 1]?.kind === 'string' || (this.tokens[this.at + 1]?.kind === 'punct' && (this.tokens[this.at + 1] as { value: string }).value === '['))) {
        this.at += 1;
        const next = this.peek();
        if (next?.kind === 'string') {
          this.at += 1;
          node = next.interpolations.length > 0 ? { t: 'index', target: node, index: this.stringNode(next) } : { t: 'field', target: node, name: next.literal };
        }
      } else if (this.isPunct('[')) {
        node = this.parseBracket(node);
      } else if (this.isPunct('?')) {
        this.at += 1;
      } else if (binding && this.isIdent('as')) {
        this.at += 1;
        const pattern = this.peek();
        if (pattern?.kind !== 'var') return this.skipToEnd('a destructuring pattern (as [$a, $b] / as {…})');
        this.at += 1;
        if (this.isPunct('?//')) return this.skipToEnd('destructuring alternatives (?//)');
        this.expectPunct('|');
        return { t: 'bind', source: node, name: pattern.name, body: this.parsePipe() };
      } else {
        return node;
      }
    }
  }

  private parseBracket(target: Node): Node {
    this.expectPunct('[');
    if (this.isPunct(']')) {
      this.at += 1;
      return { t: 'index', target, index: 'each' };
    }
    if (this.isPunct(':')) {
      this.at += 1;
      this.parsePipe();
      this.expectPunct(']');
      return { t: 'index', target, index: 'element' };
    }
    const startToken = this.peek();
    const index = this.parsePipe();
    if (this.isPunct(':')) {
      this.at += 1;
      if (!this.isPunct(']')) this.parsePipe();
      this.expectPunct(']');
      return { t: 'index', target, index: 'element' };
    }
    this.expectPunct(']');
    if (index.t === 'literal' && startToken?.kind === 'string') return { t: 'field', target, name: startToken.literal };
    if (index.t === 'literal' && startToken?.kind === 'number') return { t: 'index', target, index: 'element' };
    if (index.t === 'negate' && index.operand.t === 'literal') return { t: 'index', target, index: 'element' };
    return { t: 'index', target, index };
  }

  private stringNode(token: Extract<Token, { kind: 'string' }>): Node {
    if (token.interpolations.length === 0) return { t: 'literal' };
    const parts = token.interpolations.map((source) => {
      try {
        return new Parser(tokenize(source)).parseProgram();
      } catch {
        return { t: 'unsure', reason: 'string interpolation that could not be read' } as Node;
      }
    });
    return { t: 'string', parts };
  }

  private parseTerm(): Node {
    const token = this.peek();
    if (!token) throw new Error('the expression ends too early');
    this.at += 1;
    switch (token.kind) {
      case 'dot':
        return { t: 'identity' };
      case 'field':
        return { t: 'field', target: { t: 'identity' }, name: token.name };
      case 'recurse':
        return { t: 'recurse' };
      case 'var':
        return { t: 'var', name: token.name };
      case 'number':
        return { t: 'literal' };
      case 'string':
        return this.stringNode(token);
      case 'format': {
        const next = this.peek();
        if (next?.kind === 'string') {
          this.at += 1;
          return { t: 'format', string: this.stringNode(next) };
        }
        return { t: 'format' };
      }
      case 'punct':
        return this.parsePunctTerm(token.value);
      case 'ident':
        return this.parseIdentTerm(token.name);
    }
  }

  private parsePunctTerm(value: string): Node {
    if (value === '(') {
      const inner = this.parsePipe();
      this.expectPunct(')');
      return inner;
    }
    if (value === '[') {
      if (this.isPunct(']')) {
        this.at += 1;
        return { t: 'array' };
      }
      const body = this.parsePipe();
      this.expectPunct(']');
      return { t: 'array', body };
    }
    if (value === '{') return this.parseObject();
    throw new Error(`unexpected '${value}'`);
  }

  private parseObject(): Node {
    const entries: Array<{ key: Node | string; value?: Node }> = [];
    while (!this.isPunct('}')) {
      const token = this.peek();
      let key: Node | string;
      if (token?.kind === 'ident') {
        this.at += 1;
        key = token.name;
      } else if (token?.kind === 'var') {
        this.at += 1;
        key = { t: 'var', name: token.name };
        entries.push({ key: 'value', value: key });
        if (this.isPunct(',')) this.at += 1;
        continue;
      } else if (token?.kind === 'string') {
        this.at += 1;
        key = token.interpolations.length > 0 ? this.stringNode(token) : token.literal;
      } else if (token?.kind === 'format' || token?.kind === 'number') {
        this.at += 1;
        key = { t: 'literal' };
      } else if (this.isPunct('(')) {
        this.at += 1;
        key = this.parsePipe();
        this.expectPunct(')');
      } else {
        throw new Error(`unexpected ${describeToken(token)} in an object`);
      }
      let value: Node | undefined;
      if (this.isPunct(':')) {
        this.at += 1;
        value = this.parseObjectValue();
      } else if (typeof key === 'string') {
        value = { t: 'field', target: { t: 'identity' }, name: key };
      }
      entries.push({ key, value });
      if (!this.isPunct(',')) break;
      this.at += 1;
    }
    this.expectPunct('}');
    return { t: 'object', entries };
  }

  /** An object value: pipes of terms (`a: .x | f`) but no bare commas, which separate entries. */
  private parseObjectValue(): Node {
    const left = this.parseBinary(0);
    if (this.isPunct('|')) {
      this.at += 1;
      return { t: 'pipe', left, right: this.parseObjectValue() };
    }
    return left;
  }

  private parseIdentTerm(name: string): Node {
    switch (name) {
      case 'null':
      case 'true':
      case 'false':
        return { t: 'literal' };
      case 'if':
        return this.parseIf();
      case 'try': {
        const body = this.parsePostfix();
        if (this.isIdent('catch')) {
          this.at += 1;
          return { t: 'try', body, handler: this.parsePostfix() };
        }
        return { t: 'try', body };
      }
      case 'reduce':
      case 'foreach':
        return this.parseReduce(name);
      case 'def':
      case 'label':
      case 'import':
      case 'include':
        return this.skipToEnd(`'${name}'`);
      default: {
        const args: Node[] = [];
        if (this.isPunct('(')) {
          this.at += 1;
          args.push(this.parsePipe());
          while (this.isPunct(';')) {
            this.at += 1;
            args.push(this.parsePipe());
          }
          this.expectPunct(')');
        }
        return { t: 'call', name, args };
      }
    }
  }

  private parseIf(): Node {
    const branches: Array<{ condition: Node; then: Node }> = [];
    const condition = this.parsePipe();
    this.expectIdent('then');
    branches.push({ condition, then: this.parsePipe() });
    let otherwise: Node | undefined;
    for (;;) {
      if (this.isIdent('elif')) {
        this.at += 1;
        const elif = this.parsePipe();
        this.expectIdent('then');
        branches.push({ condition: elif, then: this.parsePipe() });
      } else if (this.isIdent('else')) {
        this.at += 1;
        otherwise = this.parsePipe();
      } else {
        this.expectIdent('end');
        return { t: 'if', branches, otherwise };
      }
    }
  }

  private parseReduce(keyword: string): Node {
    const source = this.parsePostfix(false);
    this.expectIdent('as');
    const variable = this.peek();
    if (variable?.kind !== 'var') return this.skipToEnd(`a destructuring pattern in ${keyword}`);
    this.at += 1;
    this.expectPunct('(');
    const init = this.parsePipe();
    this.expectPunct(';');
    const update = this.parsePipe();
    let extract: Node | undefined;
    if (this.isPunct(';')) {
      this.at += 1;
      extract = this.parsePipe();
    }
    this.expectPunct(')');
    return { t: 'reduce', source, name: variable.name, init, update, extract };
  }
}

function describeToken(token: Token | undefined): string {
  if (!token) return 'the end';
  switch (token.kind) {
    case 'punct':
      return `'${token.value}'`;
    case 'ident':
      return `'${token.name}'`;
    case 'field':
      return `'.${token.name}'`;
    case 'var':
      return `'$${token.name}'`;
    default:
      return token.kind;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Where a value comes from: a path in the program's input (`[]` for the input itself), or elsewhere. */
type Source = { path: readonly string[] } | 'other';

const ROOT: Source = { path: [] };
const OTHER = 'other' as const;

class Unsure extends Error {}

/** Builtins that read their input's keys or rewrite it: any field may be read. */
const READS_ANY_FIELD = new Set([
  'keys', 'keys_unsorted', 'to_entries', 'with_entries', 'from_entries', 'tojson', 'paths', 'leaf_paths', 'getpath', 'has', 'in', 'inside', 'del',
  'delpaths', 'setpath', 'path', 'pick', 'walk', 'recurse', 'tostream', 'debug', 'stderr', 'input_line_number',
]);
/** Builtins whose output does not come from their input (their arguments still read it). */
const IGNORE_INPUT = new Set(['empty', 'now', 'range', 'infinite', 'nan', 'builtins', 'input_filename', 'halt', 'env', 'input', 'inputs', 'error', 'isempty']);
/** Builtins applying their filter to each element of their input, handing out the filter's outputs. */
const MAP_ELEMENTS = new Set(['map', 'map_values']);
/** Builtins applying their filter to each element to order or pick elements, handing out whole elements. */
const BY_ELEMENT = new Set(['sort_by', 'unique_by', 'min_by', 'max_by']);
/** Builtins handing out their input (a type test or a reordering of it), which they read whole. */
const SAME_VALUE = new Set(['values', 'nulls', 'booleans', 'numbers', 'strings', 'arrays', 'objects', 'iterables', 'scalars', 'sort', 'unique', 'reverse', 'flatten']);
/** Builtins handing out one element of their input. */
const ONE_ELEMENT = new Set(['first', 'last', 'min', 'max', 'nth']);
/** Builtins that read their input (and arguments) as values and hand out something new. */
const CONSUMERS = new Set([
  'length', 'utf8bytelength', 'not', 'tostring', 'tonumber', 'type', 'ascii_downcase', 'ascii_upcase', 'ascii', 'implode', 'explode', 'ltrimstr',
  'rtrimstr', 'trim', 'ltrim', 'rtrim', 'startswith', 'endswith', 'test', 'match', 'capture', 'scan', 'split', 'splits', 'sub', 'gsub', 'join',
  'contains', 'index', 'rindex', 'indices', 'add', 'any', 'all', 'floor', 'ceil', 'round', 'sqrt', 'fabs', 'abs', 'pow', 'log', 'log10', 'log2', 'exp',
  'exp10', 'significand', 'trunc', 'fromjson', 'todate', 'fromdate', 'todateiso8601', 'fromdateiso8601', 'dateadd', 'datesub', 'date', 'strptime',
  'strftime', 'strflocaltime', 'mktime', 'gmtime', 'localtime', 'isinfinite', 'isnan', 'isnormal', 'isvalid', 'transpose', 'fromstream',
  'truncate_stream', 'toarray', 'group_by', 'until', 'while', 'repeat', 'halt_error', 'format', 'tojson',
]);

class Analysis {
  readonly fields = new Set<string>();

  evaluate(node: Node, input: readonly Source[], env: ReadonlyMap<string, readonly Source[]>): Source[] {
    switch (node.t) {
      case 'identity':
        return [...input];
      case 'recurse':
        if (hasInputField(input)) throw new Unsure("'..' reads every field");
        return [OTHER];
      case 'unsure':
        throw new Unsure(node.reason);
      case 'field':
        return this.evaluate(node.target, input, env).map((source) => step(source, node.name));
      case 'index':
        return this.index(node, input, env);
      case 'literal':
        return [OTHER];
      case 'string':
        for (const part of node.parts) this.consume(this.evaluate(part, input, env));
        return [OTHER];
      case 'format':
        if (node.string) this.evaluate(node.string, input, env);
        else this.consume(input);
        return [OTHER];
      case 'var':
        return [...(env.get(node.name) ?? [OTHER])];
      case 'pipe':
        return this.evaluate(node.right, this.evaluate(node.left, input, env), env);
      case 'comma':
        return [...this.evaluate(node.left, input, env), ...this.evaluate(node.right, input, env)];
      case 'binary':
        return this.binary(node, input, env);
      case 'negate':
        this.consume(this.evaluate(node.operand, input, env));
        return [OTHER];
      case 'array':
        if (node.body) this.consume(this.evaluate(node.body, input, env));
        return [OTHER];
      case 'object':
        for (const entry of node.entries) {
          if (typeof entry.key !== 'string') this.consume(this.evaluate(entry.key, input, env));
          if (entry.value) this.consume(this.evaluate(entry.value, input, env));
        }
        return [OTHER];
      case 'if': {
        const outputs: Source[] = [];
        for (const branch of node.branches) {
          this.consume(this.evaluate(branch.condition, input, env));
          outputs.push(...this.evaluate(branch.then, input, env));
        }
        outputs.push(...(node.otherwise ? this.evaluate(node.otherwise, input, env) : input));
        return outputs;
      }
      case 'try':
        return [...this.evaluate(node.body, input, env), ...(node.handler ? this.evaluate(node.handler, [OTHER], env) : [])];
      case 'reduce': {
        const items = this.evaluate(node.source, input, env);
        const inner = new Map(env).set(node.name, items);
        this.consume(this.evaluate(node.init, input, env));
        this.consume(this.evaluate(node.update, [OTHER], inner));
        if (node.extract) this.consume(this.evaluate(node.extract, [OTHER], inner));
        return [OTHER];
      }
      case 'bind': {
        const bound = this.evaluate(node.source, input, env);
        return this.evaluate(node.body, input, new Map(env).set(node.name, bound));
      }
      case 'call':
        return this.call(node.name, node.args, input, env);
    }
  }

  /** The values are read whole: each path read from the input is a field read. */
  consume(sources: readonly Source[]): void {
    for (const source of sources) {
      if (source === OTHER) continue;
      if (source.path.length === 0) throw new Unsure('the whole input is read (`.` passed on whole)');
      this.fields.add(fieldName(source.path));
    }
  }

  private index(node: Extract<Node, { t: 'index' }>, input: readonly Source[], env: ReadonlyMap<string, readonly Source[]>): Source[] {
    const targets = this.evaluate(node.target, input, env);
    if (node.index === 'each' || node.index === 'element') {
      return targets.map((source) => {
        if (source !== OTHER && source.path.length === 0) throw new Unsure("'.[]' reads every field of the input");
        return step(source, '[]');
      });
    }
    this.consume(this.evaluate(node.index, input, env));
    if (hasInputField(targets)) throw new Unsure('a key computed at run time (`.[$key]`) may read any field');
    return [OTHER];
  }

  private binary(node: Extract<Node, { t: 'binary' }>, input: readonly Source[], env: ReadonlyMap<string, readonly Source[]>): Source[] {
    if (node.op.endsWith('=') && !['==', '!=', '<=', '>='].includes(node.op)) throw new Unsure(`an update ('${node.op}') rewrites the input`);
    const left = this.evaluate(node.left, input, env);
    const right = this.evaluate(node.right, input, env);
    this.consume(left);
    if (node.op === '//') return [...left, ...right];
    this.consume(right);
    return [OTHER];
  }

  private call(name: string, args: readonly Node[], input: readonly Source[], env: ReadonlyMap<string, readonly Source[]>): Source[] {
    if (READS_ANY_FIELD.has(name) && hasInputField(input)) throw new Unsure(`'${name}' may read any field`);
    const consumeArgs = (from: readonly Node[]) => {
      for (const arg of from) this.consume(this.evaluate(arg, input, env));
    };
    if (name === 'select') {
      consumeArgs(args);
      return [...input];
    }
    if (MAP_ELEMENTS.has(name) && args.length === 1) return this.evaluate(args[0], elementsOf(input), env);
    if (BY_ELEMENT.has(name) && args.length === 1) {
      const elements = elementsOf(input);
      this.consume(this.evaluate(args[0], elements, env));
      return name === 'min_by' || name === 'max_by' ? elements : [...input];
    }
    if ((name === 'any' || name === 'all') && args.length > 0) {
      const generated = args.length === 2 ? this.evaluate(args[0], input, env) : elementsOf(input);
      this.consume(this.evaluate(args[args.length - 1], generated, env));
      return [OTHER];
    }
    // `first(f)`, `last(f)`, `limit(n; f)`, `nth(n; f)`: what `f` gives.
    if ((name === 'limit' && args.length === 2) || (name === 'nth' && args.length === 2) || ((name === 'first' || name === 'last') && args.length === 1)) {
      consumeArgs(args.slice(0, -1));
      return this.evaluate(args[args.length - 1], input, env);
    }
    if (ONE_ELEMENT.has(name) && args.length <= 1) {
      consumeArgs(args);
      return elementsOf(input);
    }
    if (SAME_VALUE.has(name) && args.length === 0) {
      this.consume(input);
      return [...input];
    }
    if (IGNORE_INPUT.has(name)) {
      consumeArgs(args);
      return [OTHER];
    }
    if (CONSUMERS.has(name)) {
      this.consume(input);
      consumeArgs(args);
      return [OTHER];
    }
    throw new Unsure(`the function '${name}/${args.length}' is not one this analysis knows`);
  }
}

function step(source: Source, name: string): Source {
  return source === OTHER ? OTHER : { path: [...source.path, name] };
}

function elementsOf(input: readonly Source[]): Source[] {
  return input.map((source) => {
    if (source !== OTHER && source.path.length === 0) throw new Unsure('the elements of the whole input are read');
    return step(source, '[]');
  });
}

function hasInputField(sources: readonly Source[]): boolean {
  return sources.some((source) => source !== OTHER);
}

/** `['assignees', '[]', 'login']` → `assignees[].login`. */
function fieldName(path: readonly string[]): string {
  let name = '';
  for (const part of path) name += part === '[]' ? '[]' : name ? `.${part}` : part;
  return name;
}

/**
 * The first field of `fields` the supplied ones do not cover, or undefined when all are: a field is covered by the
 * same field or one it lies under (`__includedFiles.README.md` under `__includedFiles`); `[]` is ignored.
 */
export function firstUnsupportedField(fields: readonly string[], supplied: readonly string[]): string | undefined {
  const plain = (field: string) => field.replace(/\[\]/g, '');
  const covered = supplied.map(plain);
  return fields.find((field) => {
    const name = plain(field);
    return !covered.some((supply) => name === supply || name.startsWith(`${supply}.`));
  });
}

/** Every jq program of a resource: the selector's query, `itemsToParse`, and each mapping value (search-query rules' values too). */
export function resourcePrograms(resource: ResourceConfig): string[] {
  const { mappings } = resource.port.entity;
  const programs = [resource.selector.query, mappings.title, mappings.blueprint, mappings.icon, ...Object.values(mappings.properties ?? {})];
  const jqOf = (value: JqOrSearchQuery | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : ruleValues(value));
  programs.push(...jqOf(mappings.identifier), ...jqOf(mappings.team), ...Object.values(mappings.relations ?? {}).flatMap(jqOf));
  return programs.filter((program): program is string => typeof program === 'string');
}

function ruleValues(query: SearchQuery): string[] {
  return query.rules.flatMap((rule) => ('rules' in rule ? ruleValues(rule) : [rule.value]));
}

/**
 * The fields of its kind's objects a resource reads. With `itemsToParse`, what the items list reads stands for the
 * item (`.item.x` reads the items' `x`): the list is read whole.
 */
export function resourceFieldsRead(resource: ResourceConfig): FieldsRead {
  const itemsToParse = resource.port.itemsToParse;
  if (!itemsToParse) return fieldsReadByAll(resourcePrograms(resource));
  const items = fieldsReadByAll([itemsToParse]);
  const mapped = fieldsReadByAll(resourcePrograms(resource));
  if (!items.known) return items;
  if (!mapped.known) return mapped;
  const itemName = resource.port.itemsToParseName || 'item';
  return { known: true, fields: [...new Set([...items.fields, ...mapped.fields.filter((field) => field !== itemName && !field.startsWith(`${itemName}.`) && !field.startsWith(`${itemName}[]`))])].sort() };
}

export type ListingApiChoice = { api: 'graphql' } | { api: 'rest'; reason: string };

/** GraphQL when every field the resource reads is one the GraphQL listing supplies (`supplied`), else REST and why. */
export function listingApiFor(resource: ResourceConfig, supplied: readonly string[]): ListingApiChoice {
  const read = resourceFieldsRead(resource);
  if (!read.known) return { api: 'rest', reason: `its mapping may read any field: ${read.reason}` };
  const missing = firstUnsupportedField(read.fields, supplied);
  if (missing !== undefined) return { api: 'rest', reason: `its mapping reads '${missing}', which the GraphQL listing does not supply` };
  return { api: 'graphql' };
}
