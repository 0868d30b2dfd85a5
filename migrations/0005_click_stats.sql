CREATE TABLE "stats_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"link_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" smallint NOT NULL,
	"bot" boolean NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"device" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_hourly" (
	"link_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"kind" smallint NOT NULL,
	"bot" boolean NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"device" text NOT NULL,
	"os" text NOT NULL,
	"browser" text NOT NULL,
	"referrer" text NOT NULL,
	"campaign" text NOT NULL,
	"network" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "stats_hourly_pk" PRIMARY KEY("link_id","hour","kind","bot","platform","country","device","os","browser","referrer","campaign","network")
);
--> statement-breakpoint
CREATE TABLE "stats_offsets" (
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stats_offsets_pk" PRIMARY KEY("group_id","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "stats_visitors" (
	"link_id" bigint NOT NULL,
	"day" date NOT NULL,
	"visitor" bigint NOT NULL,
	CONSTRAINT "stats_visitors_pk" PRIMARY KEY("link_id","day","visitor")
);
--> statement-breakpoint
CREATE INDEX "stats_events_link_at_idx" ON "stats_events" USING btree ("link_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "stats_events_at_idx" ON "stats_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "stats_hourly_hour_idx" ON "stats_hourly" USING btree ("hour");