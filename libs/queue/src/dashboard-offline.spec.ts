import { keepDashboardOffline, withoutRemoteLinks } from './dashboard-offline';

describe('withoutRemoteLinks', () => {
  it('drops links to other hosts and keeps the local ones', () => {
    const page = [
      '<link rel="icon" href="static/images/logo.svg">',
      '<link href="https://fonts.googleapis.com/css2?family=IBM+Plex+Sans&display=swap" rel="stylesheet">',
      "<link rel=preconnect href='//fonts.gstatic.com'>",
      '<link href="static/css/main.css" rel="stylesheet">',
    ].join('\n');

    expect(withoutRemoteLinks(page)).toBe('<link rel="icon" href="static/images/logo.svg">\n<link href="static/css/main.css" rel="stylesheet">');
  });
});

describe('keepDashboardOffline', () => {
  it("wraps the app's EJS engine so the rendered page has no remote links", () => {
    const engines: Record<string, (path: string, locals: object, callback: (error: Error | null, rendered?: string) => void) => void> = {
      '.ejs': (_path, _locals, callback) => callback(null, '<head><link href="https://fonts.googleapis.com/css2" rel="stylesheet"><title>q</title></head>'),
    };
    const app = { engines, engine: (extension: string, engine: (typeof engines)['.ejs']) => (engines[`.${extension}`] = engine) };
    let rendered: string | undefined;

    keepDashboardOffline(app);
    engines['.ejs']('index.ejs', {}, (_error, page) => (rendered = page));

    expect(rendered).toBe('<head><title>q</title></head>');
  });

  it('refuses an app without an EJS engine rather than serve remote fonts', () => {
    expect(() => keepDashboardOffline({ engines: {}, engine: () => undefined })).toThrow('cannot keep it from loading remote fonts');
  });
});
