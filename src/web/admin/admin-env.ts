/** What every admin page's context carries: the session's CSRF token for its forms. */
export type AdminEnv = { Variables: { csrfToken: string } };
