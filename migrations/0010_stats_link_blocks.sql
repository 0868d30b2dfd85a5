CREATE TABLE "stats_link_blocks" (
	"level" smallint NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"link_id" bigint NOT NULL,
	"clicks" bigint NOT NULL,
	"impressions" bigint NOT NULL,
	"bot_clicks" bigint NOT NULL,
	"bot_impressions" bigint NOT NULL,
	CONSTRAINT "stats_link_blocks_pk" PRIMARY KEY("level","start","link_id")
);
--> statement-breakpoint
-- Room on each page, so adding to a count is a HOT update that touches no index.
ALTER TABLE "stats_link_blocks" SET (fillfactor = 80);--> statement-breakpoint
-- The blocks start with every count already folded into stats_hourly: level 0 per link and
-- hour, then levels 2, 4, 6 and 8 (blocks of 2^level hours since the epoch, see
-- src/stats/link-blocks.ts) each from the level below, in time order (as the fold writes them).
INSERT INTO "stats_link_blocks" ("level", "start", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT 0, "hour", "link_id",
  coalesce(sum("count") FILTER (WHERE "kind" = 1 AND NOT "bot"), 0), coalesce(sum("count") FILTER (WHERE "kind" = 2 AND NOT "bot"), 0),
  coalesce(sum("count") FILTER (WHERE "kind" = 1 AND "bot"), 0), coalesce(sum("count") FILTER (WHERE "kind" = 2 AND "bot"), 0)
FROM "stats_hourly" GROUP BY 2, 3 ORDER BY 2, 3;--> statement-breakpoint
INSERT INTO "stats_link_blocks" ("level", "start", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT 2, to_timestamp(extract(epoch FROM "start")::bigint - extract(epoch FROM "start")::bigint % 14400), "link_id", sum("clicks"), sum("impressions"), sum("bot_clicks"), sum("bot_impressions")
FROM "stats_link_blocks" WHERE "level" = 0 GROUP BY 2, 3 ORDER BY 2, 3;--> statement-breakpoint
INSERT INTO "stats_link_blocks" ("level", "start", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT 4, to_timestamp(extract(epoch FROM "start")::bigint - extract(epoch FROM "start")::bigint % 57600), "link_id", sum("clicks"), sum("impressions"), sum("bot_clicks"), sum("bot_impressions")
FROM "stats_link_blocks" WHERE "level" = 2 GROUP BY 2, 3 ORDER BY 2, 3;--> statement-breakpoint
INSERT INTO "stats_link_blocks" ("level", "start", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT 6, to_timestamp(extract(epoch FROM "start")::bigint - extract(epoch FROM "start")::bigint % 230400), "link_id", sum("clicks"), sum("impressions"), sum("bot_clicks"), sum("bot_impressions")
FROM "stats_link_blocks" WHERE "level" = 4 GROUP BY 2, 3 ORDER BY 2, 3;--> statement-breakpoint
INSERT INTO "stats_link_blocks" ("level", "start", "link_id", "clicks", "impressions", "bot_clicks", "bot_impressions")
SELECT 8, to_timestamp(extract(epoch FROM "start")::bigint - extract(epoch FROM "start")::bigint % 921600), "link_id", sum("clicks"), sum("impressions"), sum("bot_clicks"), sum("bot_impressions")
FROM "stats_link_blocks" WHERE "level" = 6 GROUP BY 2, 3 ORDER BY 2, 3;--> statement-breakpoint
-- The blocks answer everything the per-day rows did (the link list, the top links), so the
-- fold stops writing those.
DROP TABLE "stats_link_daily";
