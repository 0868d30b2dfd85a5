// Apart from the store, so the CLI can talk to a server's API without loading drizzle.
export type LinkStoreErrorCode = 'not_found' | 'conflict' | 'invalid';

/** A refusal the caller can show as is: the code picks the status, `field` the input. */
export class LinkStoreError extends Error {
  override name = 'LinkStoreError';
  readonly code: LinkStoreErrorCode;
  readonly field: string | undefined;
  constructor(code: LinkStoreErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
