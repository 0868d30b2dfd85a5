/**
 * The taking side of a click list, as the worker's drain loop uses it: take a batch into a
 * slot of this worker's, acknowledge it once delivered, return it if not. Redis in
 * production (reliable-list.ts), memory in the embedded default (memory-queue.ts).
 */
export interface WorkList {
  take(slot: number, max: number): Promise<string[]>;
  waitForLine(slot: number, timeoutSeconds: number): Promise<boolean>;
  ack(slot: number, invalidEntries: string[]): Promise<void>;
  requeue(slot: number): Promise<number>;
  heartbeat(slots: number, ttlMs: number): Promise<void>;
  retire(slots: number): Promise<void>;
  recoverOrphans(): Promise<number>;
  length(): Promise<number>;
}

