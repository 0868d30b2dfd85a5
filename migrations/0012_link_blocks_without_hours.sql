-- Level 0 of the per-link blocks (a link's single hour) is read from stats_hourly from now on
-- (src/stats/link-blocks.ts, STORED_LINK_BLOCK_LEVELS): the fold no longer writes those rows,
-- so the ones there would only go stale.
DELETE FROM "stats_link_blocks" WHERE "level" = 0;
