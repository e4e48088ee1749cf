/**
 * A dead letter keeps a payload (or a job's data) as the JSON text it came as, never re-serialised from a parsed
 * object: JSON.stringify recurses and overflows the stack on a payload nested some thousands of levels deep, which
 * JSON.parse takes. Beyond this size the text is cut, so one dead letter stays bounded whatever arrived.
 */
export const DEAD_LETTER_TEXT_LIMIT_BYTES = 1024 * 1024;

/** An error message is kept up to this many characters (some errors quote the whole input). */
export const DEAD_LETTER_ERROR_LIMIT_CHARS = 4_000;

export interface KeptText {
  /** The text, cut at the limit and ended by the truncation marker when it was longer. */
  text: string;
  /** The original size in bytes, present only when the text was cut. */
  truncatedFromBytes?: number;
}

export function truncationMarker(keptBytes: number, totalBytes: number): string {
  return `…[truncated by glint: the first ${keptBytes} of ${totalBytes} bytes are kept]`;
}

/** `raw` as text of at most `limitBytes` bytes (UTF-8) plus the marker when it is longer. */
export function keepText(raw: Buffer | string, limitBytes = DEAD_LETTER_TEXT_LIMIT_BYTES): KeptText {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  if (bytes.length <= limitBytes) return { text: typeof raw === 'string' ? raw : bytes.toString('utf8') };
  // A multi-byte character cut in two decodes to U+FFFD: harmless in a text kept for reading.
  return { text: `${bytes.subarray(0, limitBytes).toString('utf8')}${truncationMarker(limitBytes, bytes.length)}`, truncatedFromBytes: bytes.length };
}

/** An error as a dead letter names it: `RangeError: Maximum call stack size exceeded`; a plain Error by its message. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? (error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message) : String(error);
  return text.length > DEAD_LETTER_ERROR_LIMIT_CHARS ? `${text.slice(0, DEAD_LETTER_ERROR_LIMIT_CHARS)}…` : text;
}
