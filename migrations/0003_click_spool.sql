CREATE TABLE "click_spool" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "click_spool_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue_key" text NOT NULL,
	"line" text NOT NULL,
	"spilled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "click_spool_queue_key_id_idx" ON "click_spool" USING btree ("queue_key","id");