/** A place lines can be pushed to: one Redis list, or (embedded) an in-process queue. */
export interface ClickStore {
  readonly name: string;
  /** LPUSHes the lines in order; rejects when the store cannot take them. */
  push(lines: readonly string[]): Promise<void>;
  /** Resolves when the store answers; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
