ALTER TABLE "campaign_links" ADD COLUMN "starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "expired_url" varchar(2048);--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "max_clicks" integer;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "rules" jsonb;