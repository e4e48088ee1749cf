import type { Response } from 'express';
import { html } from './html';
import { page } from './layout';

/**
 * Scripts only from this origin (the live-update script), never inline: a stored value that slipped through escaping
 * still could not run. fetch and EventSource only to this origin.
 */
const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function send(response: Response, status: number, body: string): void {
  response.status(status).set(SECURITY_HEADERS).send(body);
}

export function notFound(response: Response, message: string): void {
  send(response, 404, page('Not found', html`<h1>Not found</h1><p>${message}</p><p><a href="/">Back to the blueprints</a></p>`));
}
