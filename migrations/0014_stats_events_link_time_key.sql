-- The dedupe rows keyed by link, time and id: one index serves the dedupe check and the
-- recent clicks panel, where a second one (link_id, at) cost the fold about 12% of
-- Postgres's CPU an event (src/stats/stats-schema.ts). Rebuilds the key under a lock: on a
-- table of tens of millions of rows the release phase takes a minute or so, while the stats
-- consumer's folds wait for it and nothing is lost. A stats process of the previous release
-- still running after it folds its common batches as before, but a batch it must fold step by
-- step (ON CONFLICT (event_id), which no longer names a key) fails and is retried until that
-- process restarts with this release: delayed, not lost.
ALTER TABLE "stats_events" DROP CONSTRAINT "stats_events_pkey";--> statement-breakpoint
ALTER TABLE "stats_events" ADD CONSTRAINT "stats_events_pk" PRIMARY KEY("link_id","at","event_id");--> statement-breakpoint
DROP INDEX "stats_events_link_at_idx";
