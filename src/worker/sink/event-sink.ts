export interface OutgoingMessage {
  topic: string;
  key: string | undefined;
  value: string;
  /** A click's or impression's stats header (shared/stats-fields.ts); Kafka carries it as a header. */
  stats?: string;
}

/** Where enriched events go: Kafka in production, a file in the embedded default. */
export interface EventSink {
  readonly name: string;
  /** Resolves once every message is durably accepted; rejects if any was not. */
  send(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}
