// Apart from the store, so the CLI can talk to a server's API without loading drizzle.
import { AppError } from '../shared/app-error.ts';

export type LinkStoreErrorCode = 'not_found' | 'conflict' | 'invalid';

/** A refusal of the link store: the code picks the status, `field` the input. */
export class LinkStoreError extends AppError {
  override name = 'LinkStoreError';
  declare readonly code: LinkStoreErrorCode;
  constructor(code: LinkStoreErrorCode, message: string, field?: string) {
    super(code, message, field);
  }
}
