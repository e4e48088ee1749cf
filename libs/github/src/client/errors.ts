/** Any answer from GitHub that the access layer cannot turn into data; `route` is `METHOD /path` (query left out). */
export class GithubApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly route: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * 403 (not a rate limit) or 404: GitHub hides what a token may not see, so both usually mean a missing App
 * permission or a repository outside the installation. `permission` names the likely one, e.g. 'Issues: read'.
 */
export class GithubPermissionError extends GithubApiError {
  constructor(
    message: string,
    status: number,
    route: string,
    readonly permission: string | undefined,
  ) {
    super(message, status, route);
  }
}

/** 401 that a fresh token did not cure: wrong App id or key, revoked token, uninstalled App. */
export class GithubAuthenticationError extends GithubApiError {}

/** Still rate limited after every allowed wait. */
export class GithubRateLimitError extends GithubApiError {}
