/** A template engine as Express registers it: `(path, locals, callback)`. */
type RenderEngine = (path: string, locals: object, callback: (error: Error | null, rendered?: string) => void) => void;

const REMOTE_STYLESHEET = /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^>]*>\s*/gi;

/** Removes every `<link>` that loads from another host (Bull Board's page asks Google Fonts for IBM Plex). */
export function withoutRemoteLinks(page: string): string {
  return page.replace(REMOTE_STYLESHEET, '');
}

/**
 * Makes the Express app of Bull Board's adapter render its page without remote links, so the dashboard works
 * air-gapped and opening it sends no request off the host: its fonts fall back to the system's sans-serif and
 * monospace. Throws when the app has no EJS engine to wrap (a Bull Board upgrade changed how it renders).
 */
export function keepDashboardOffline(app: unknown): void {
  if (!isViewApp(app)) throw new Error('the queue dashboard renders its page in an unexpected way: cannot keep it from loading remote fonts');
  const render = app.engines['.ejs'];
  app.engine('ejs', (path, locals, callback) => render(path, locals, (error, rendered) => callback(error, rendered === undefined ? undefined : withoutRemoteLinks(rendered))));
}

interface ViewApp {
  engines: { '.ejs': RenderEngine };
  engine(extension: string, engine: RenderEngine): unknown;
}

function isViewApp(app: unknown): app is ViewApp {
  if (typeof app !== 'function' && (typeof app !== 'object' || app === null)) return false;
  const engines: unknown = Reflect.get(app, 'engines');
  return typeof Reflect.get(app, 'engine') === 'function' && typeof engines === 'object' && engines !== null && typeof Reflect.get(engines, '.ejs') === 'function';
}
