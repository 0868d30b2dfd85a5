-- Every web process caches links in memory; this tells them, within milliseconds, which
-- slugs changed, whoever changed them (API, CLI, or a hand-written UPDATE in psql).
CREATE OR REPLACE FUNCTION campaign_links_touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER campaign_links_touch BEFORE UPDATE ON campaign_links
  FOR EACH ROW EXECUTE FUNCTION campaign_links_touch();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION campaign_links_notify() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('campaign_links_changed', OLD.slug);
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.slug IS DISTINCT FROM OLD.slug) THEN
    PERFORM pg_notify('campaign_links_changed', NEW.slug);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER campaign_links_notify AFTER INSERT OR UPDATE OR DELETE ON campaign_links
  FOR EACH ROW EXECUTE FUNCTION campaign_links_notify();
