-- The eight text dimensions of stats_hourly move to stats_dim_sets, one row per combination,
-- and each hourly row keeps the combination's id (src/stats/dim-sets.ts, dimSetKey: the same
-- md5 of the length-prefixed texts as below). Rewrites stats_hourly once: on a large table this
-- takes a while (2 million rows: 19 s), and the stats consumer waits for it (its folds retry
-- until Postgres takes them).
CREATE TABLE "stats_dim_sets" (
	"id" bigint PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"device" text NOT NULL,
	"os" text NOT NULL,
	"browser" text NOT NULL,
	"referrer" text NOT NULL,
	"campaign" text NOT NULL,
	"network" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "stats_dim_sets" ("id", "platform", "country", "device", "os", "browser", "referrer", "campaign", "network")
SELECT DISTINCT ON (k) k, "platform", "country", "device", "os", "browser", "referrer", "campaign", "network"
FROM (SELECT ('x' || substr(md5(concat(octet_length("platform"), ':', "platform", octet_length("country"), ':', "country", octet_length("device"), ':', "device", octet_length("os"), ':', "os", octet_length("browser"), ':', "browser", octet_length("referrer"), ':', "referrer", octet_length("campaign"), ':', "campaign", octet_length("network"), ':', "network")), 1, 16))::bit(64)::bigint AS k, "platform", "country", "device", "os", "browser", "referrer", "campaign", "network" FROM "stats_hourly") s ORDER BY k;--> statement-breakpoint
ALTER TABLE "stats_hourly" RENAME TO "stats_hourly_0012";--> statement-breakpoint
ALTER TABLE "stats_hourly_0012" RENAME CONSTRAINT "stats_hourly_pk" TO "stats_hourly_0012_pk";--> statement-breakpoint
ALTER INDEX "stats_hourly_hour_idx" RENAME TO "stats_hourly_0012_hour_idx";--> statement-breakpoint
CREATE TABLE "stats_hourly" (
	"link_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"kind" smallint NOT NULL,
	"bot" boolean NOT NULL,
	"dim_set" bigint NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "stats_hourly_pk" PRIMARY KEY("link_id","hour","kind","bot","dim_set")
);
--> statement-breakpoint
-- Grouped: two combinations whose ids collided would otherwise make the same key twice. In
-- hour order, as the fold leaves them: a query over all links reads an hour's rows together.
INSERT INTO "stats_hourly" ("link_id", "hour", "kind", "bot", "dim_set", "count")
SELECT "link_id", "hour", "kind", "bot", ('x' || substr(md5(concat(octet_length("platform"), ':', "platform", octet_length("country"), ':', "country", octet_length("device"), ':', "device", octet_length("os"), ':', "os", octet_length("browser"), ':', "browser", octet_length("referrer"), ':', "referrer", octet_length("campaign"), ':', "campaign", octet_length("network"), ':', "network")), 1, 16))::bit(64)::bigint, sum("count")
FROM "stats_hourly_0012" GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 1, 3, 4, 5;--> statement-breakpoint
DROP TABLE "stats_hourly_0012";--> statement-breakpoint
CREATE INDEX "stats_hourly_hour_idx" ON "stats_hourly" USING btree ("hour");--> statement-breakpoint
-- The hourly rows with their texts, for the queries that filter or group by one.
CREATE VIEW "stats_hourly_dims" AS
SELECT h."link_id", h."hour", h."kind", h."bot", d."platform", d."country", d."device", d."os", d."browser", d."referrer", d."campaign", d."network", h."count"
FROM "stats_hourly" h JOIN "stats_dim_sets" d ON d."id" = h."dim_set";
