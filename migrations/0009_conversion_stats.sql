CREATE TABLE "stats_conversion_events" (
	"message_id" text PRIMARY KEY NOT NULL,
	"link_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"event" text NOT NULL,
	"match" text NOT NULL,
	"click_id" text,
	"revenue" numeric(24, 6),
	"currency" text,
	"platform" text NOT NULL,
	"country" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_conversions" (
	"link_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"event" text NOT NULL,
	"campaign" text NOT NULL,
	"network" text NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"match" text NOT NULL,
	"delay_bucket" smallint NOT NULL,
	"currency" text NOT NULL,
	"count" bigint NOT NULL,
	"revenue" numeric(24, 6) NOT NULL,
	CONSTRAINT "stats_conversions_pk" PRIMARY KEY("link_id","hour","event","campaign","network","platform","country","match","delay_bucket","currency")
);
--> statement-breakpoint
CREATE INDEX "stats_conversion_events_link_at_idx" ON "stats_conversion_events" USING btree ("link_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "stats_conversion_events_at_idx" ON "stats_conversion_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "stats_conversions_hour_idx" ON "stats_conversions" USING btree ("hour");