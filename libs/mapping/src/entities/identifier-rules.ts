/** The catalog's entity identifier rule (Port's OpenAPI): letters of any script, ASCII digits and `@ _ . + : \ / = -`, not `.` or `..`, at most 1000 characters. */
const ENTITY_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$/u;

export function identifierProblem(identifier: string): string | undefined {
  if (identifier.length === 0) return 'the identifier is empty';
  if (identifier.length > 1000) return `the identifier is ${identifier.length} characters long; at most 1000 are allowed`;
  if (!ENTITY_IDENTIFIER.test(identifier)) {
    const bad = [...identifier].find((char) => !/[\p{L}0-9@_.+:\\/=-]/u.test(char));
    return bad ? `the identifier ${JSON.stringify(identifier)} contains ${JSON.stringify(bad)}; allowed are letters, the digits 0-9 and @ _ . + : \\ / = -` : `the identifier may not be "." or ".."`;
  }
  return undefined;
}
