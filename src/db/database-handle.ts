import type { Database } from './client.ts';

/** LISTEN as both drivers can do it; `onListen` runs on every (re)connection. */
export interface NotificationSource {
  listen(channel: string, onNotify: (payload: string) => void, onListen: () => void): Promise<{ unlisten(): Promise<void> }>;
}

/** What a process needs of its database, whichever driver is behind it. */
export interface DatabaseHandle {
  readonly kind: 'postgres' | 'embedded';
  readonly db: Database;
  readonly notifications: NotificationSource;
  ping(): Promise<void>;
  /** Embedded only: tells `npm run links` where this server's API answers. */
  advertise?(url: string): void;
  close(): Promise<void>;
}
