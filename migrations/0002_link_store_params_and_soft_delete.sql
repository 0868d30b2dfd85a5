ALTER TABLE "campaign_links" ADD COLUMN "store_params" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "app_store_campaign_token" varchar(40);--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "app_store_provider_token" varchar(64);--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "forward_query" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD COLUMN "deleted_at" timestamp with time zone;