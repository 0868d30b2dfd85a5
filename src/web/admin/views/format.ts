import { html } from 'hono/html';
import type { Html } from './layout.ts';

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** 10080 → "7 days", 90 → "1 hour 30 minutes", 0 → "0 minutes": windows as people say them. */
export function humanMinutes(total: number): string {
  if (total === 0) return '0 minutes';
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  return [days && plural(days, 'day'), hours && plural(hours, 'hour'), minutes && plural(minutes, 'minute')].filter(Boolean).join(' ');
}

/** A window with its exact value in the API's unit beside it, e.g. "7 days (10,080 min)". */
export function windowText(total: number): string {
  const human = humanMinutes(total);
  return total < 60 ? human : `${human} (${total.toLocaleString('en-US')} min)`;
}

/**
 * A moment in the viewer's own time zone: admin.js rewrites the text from `datetime` in
 * the browser; without script the UTC time stays, marked as UTC.
 */
export function moment(date: Date, style: 'date' | 'datetime'): Html {
  const iso = date.toISOString();
  const utc = style === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}" data-local="${style}" title="${iso}">${utc}</time>`;
}
