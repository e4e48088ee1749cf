export const REDACTED = '[redacted]';

/** Keys whose values are credentials, compared without case, `_`, `-` and `.`: `privateKey`, `PRIVATE_KEY`, `x-api-key`. */
const SENSITIVE_KEY = /(token|secret|password|passwd|privatekey|apikey|credentials)$|^(authorization|proxyauthorization|cookie|setcookie|jwt|pem)$/;

/** Credentials recognisable by their shape, wherever they appear in a string. */
const CREDENTIAL_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // A PEM private key, also when cut short.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, REDACTED],
  // GitHub tokens: personal (ghp_), OAuth (gho_), user-to-server (ghu_), installation (ghs_), refresh (ghr_).
  [/\bgh[pousr]_[A-Za-z0-9]{16,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  // JSON web tokens: the App's JWT, catalog access tokens.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // An Authorization header's value in text: `Bearer …`, `token …`, `Basic …`.
  [/\b(bearer|token|basic)(\s+)[A-Za-z0-9._~+/-]{12,}=*/gi, `$1$2${REDACTED}`],
  // The password in a URL: redis://user:pass@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

/** Secrets shorter than this are not searched for in text (a one-letter secret would blank out every line). */
export const MIN_SCANNED_SECRET_LENGTH = 8;
const MAX_DEPTH = 8;

/**
 * Makes a log record safe to write: values under credential-like keys become `[redacted]`, and strings lose every
 * configured secret value and every credential recognisable by its shape. Works on a copy; cycles and depth are bounded.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secretValues: Iterable<string> = []) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secretValues)].filter((value) => value.length >= MIN_SCANNED_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  value(value: unknown): unknown {
    return this.walk(value, 0, new WeakSet());
  }

  private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
    seen.add(value);
    if (value instanceof Error) {
      return { type: value.name, message: this.text(value.message), stack: value.stack && this.text(value.stack) };
    }
    if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1, seen));
    // Objects that print themselves (Secret, config, Date) are taken as they print.
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return this.walk(json.call(value), depth + 1, seen);
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      result[key] = isSensitiveKey(key) && inner !== undefined && inner !== null && inner !== '' ? REDACTED : this.walk(inner, depth + 1, seen);
    }
    return result;
  }
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[-_.\s]/g, ''));
}
