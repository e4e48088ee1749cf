/** The catalog's entity identifier rule: letters, digits and `@ _ . + : \ / = -`, not `.` or `..`, at most 1000 characters. */
const ENTITY_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}\p{N}@_.+:\\/=-]+$/u;

export function identifierProblem(identifier: string): string | undefined {
  if (identifier.length === 0) return 'the identifier is empty';
  if (identifier.length > 1000) return `the identifier is ${identifier.length} characters long; at most 1000 are allowed`;
  if (!ENTITY_IDENTIFIER.test(identifier)) {
    const bad = [...identifier].find((char) => !/[\p{L}\p{N}@_.+:\\/=-]/u.test(char));
    return bad ? `the identifier ${JSON.stringify(identifier)} contains ${JSON.stringify(bad)}; allowed are letters, digits and @ _ . + : \\ / = -` : `the identifier may not be "." or ".."`;
  }
  return undefined;
}
