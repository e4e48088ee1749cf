import { html, SafeHtml } from './html';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "just now", "3 minutes ago", "in 2 hours", "yesterday"; past a week a readable date ("3 Dec 2026, 06:24 UTC"). */
export function humaneTime(at: Date, now: Date): string {
  const elapsed = now.getTime() - at.getTime();
  const distance = Math.abs(elapsed);
  const relative = (count: number, unit: string): string => {
    const phrase = `${count} ${unit}${count === 1 ? '' : 's'}`;
    return elapsed >= 0 ? `${phrase} ago` : `in ${phrase}`;
  };
  if (distance < MINUTE) return 'just now';
  if (distance < HOUR) return relative(Math.floor(distance / MINUTE), 'minute');
  if (distance < DAY) return relative(Math.floor(distance / HOUR), 'hour');
  if (distance < 7 * DAY) return relative(Math.floor(distance / DAY), 'day');
  return readableDate(at);
}

function readableDate(at: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
}

/** A humane time with the exact ISO instant on hover; a value that is not a date is shown as it is. */
export function timeElement(value: string | Date, now: Date): SafeHtml {
  const at = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(at.getTime())) return html`${String(value)}`;
  const iso = at.toISOString();
  return html`<time datetime="${iso}" title="${iso}">${humaneTime(at, now)}</time>`;
}
