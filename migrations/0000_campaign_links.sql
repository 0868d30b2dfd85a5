CREATE TABLE "campaign_links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "campaign_links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"slug" varchar(64) NOT NULL,
	"campaign" text,
	"adgroup" text,
	"ad" text,
	"network" text,
	"campaign_url" varchar(1024),
	"targets" jsonb NOT NULL,
	"attribution_window_idfa" integer DEFAULT 10080 NOT NULL,
	"attribution_window_fingerprint" integer DEFAULT 1440 NOT NULL,
	"country" text,
	"device" text,
	"user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_links_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE INDEX "campaign_links_campaign_idx" ON "campaign_links" USING btree ("campaign");--> statement-breakpoint
CREATE INDEX "campaign_links_created_at_idx" ON "campaign_links" USING btree ("created_at" desc);