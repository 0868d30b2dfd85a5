CREATE TABLE "stats_dims_hourly" (
	"dim" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"value" text NOT NULL,
	"clicks" bigint NOT NULL,
	"impressions" bigint NOT NULL,
	"bot_clicks" bigint NOT NULL,
	"bot_impressions" bigint NOT NULL,
	CONSTRAINT "stats_dims_hourly_pk" PRIMARY KEY("dim","hour","value")
);
--> statement-breakpoint
CREATE TABLE "stats_link_daily" (
	"day" date NOT NULL,
	"link_id" bigint NOT NULL,
	"clicks" bigint NOT NULL,
	"impressions" bigint NOT NULL,
	"bot_clicks" bigint NOT NULL,
	"bot_impressions" bigint NOT NULL,
	CONSTRAINT "stats_link_daily_pk" PRIMARY KEY("link_id","day")
);
--> statement-breakpoint
DROP INDEX "stats_events_at_idx";--> statement-breakpoint
-- The dedupe key becomes the first 8 bytes of the id's md5 (src/stats/event-key.ts computes the same).
ALTER TABLE "stats_events" ALTER COLUMN "event_id" SET DATA TYPE bigint USING ('x' || substr(md5("event_id"), 1, 16))::bit(64)::bigint;--> statement-breakpoint
CREATE INDEX "stats_link_daily_day_brin" ON "stats_link_daily" USING brin ("day");--> statement-breakpoint
CREATE INDEX "stats_events_at_brin" ON "stats_events" USING brin ("at");--> statement-breakpoint
-- Byte order for the rollups' text keys: the upserts compare them in 12-column keys
-- thousands of times a batch, and no query needs a language's sort order.
ALTER TABLE "stats_hourly" ALTER COLUMN "platform" TYPE text COLLATE "C", ALTER COLUMN "country" TYPE text COLLATE "C",
  ALTER COLUMN "device" TYPE text COLLATE "C", ALTER COLUMN "os" TYPE text COLLATE "C", ALTER COLUMN "browser" TYPE text COLLATE "C",
  ALTER COLUMN "referrer" TYPE text COLLATE "C", ALTER COLUMN "campaign" TYPE text COLLATE "C", ALTER COLUMN "network" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "stats_dims_hourly" ALTER COLUMN "dim" TYPE text COLLATE "C", ALTER COLUMN "value" TYPE text COLLATE "C";--> statement-breakpoint
-- Room on each page, so adding to a count is a HOT update that touches no index.
ALTER TABLE "stats_hourly" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "stats_dims_hourly" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "stats_link_daily" SET (fillfactor = 80);
--> statement-breakpoint
-- The new rollups start with every count already folded into stats_hourly.
INSERT INTO "stats_link_daily" ("day", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT ("hour" AT TIME ZONE 'UTC')::date, "link_id",
  coalesce(sum("count") FILTER (WHERE "kind" = 1 AND NOT "bot"), 0), coalesce(sum("count") FILTER (WHERE "kind" = 2 AND NOT "bot"), 0),
  coalesce(sum("count") FILTER (WHERE "kind" = 1 AND "bot"), 0), coalesce(sum("count") FILTER (WHERE "kind" = 2 AND "bot"), 0)
FROM "stats_hourly" GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO "stats_dims_hourly" ("dim", "hour", "value", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT d.dim, h."hour", d.value,
  coalesce(sum(h."count") FILTER (WHERE h."kind" = 1 AND NOT h."bot"), 0), coalesce(sum(h."count") FILTER (WHERE h."kind" = 2 AND NOT h."bot"), 0),
  coalesce(sum(h."count") FILTER (WHERE h."kind" = 1 AND h."bot"), 0), coalesce(sum(h."count") FILTER (WHERE h."kind" = 2 AND h."bot"), 0)
FROM "stats_hourly" h CROSS JOIN LATERAL (VALUES ('', ''), ('platform', h."platform"), ('country', h."country"), ('device', h."device"), ('os', h."os"),
  ('browser', h."browser"), ('referrer', h."referrer"), ('campaign', h."campaign"), ('network', h."network")) AS d(dim, value)
GROUP BY 1, 2, 3;