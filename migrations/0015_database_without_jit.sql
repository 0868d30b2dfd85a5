-- Postgres compiles a query with LLVM (JIT) when its estimated cost passes jit_above_cost,
-- which the statistics queries over all links do (their estimates count every link and hour).
-- The compiling took 10 to 30 ms of the dashboard's 40 to 70, and it can never pay off here:
-- every query of this app reads rollups and ends in milliseconds (README, "Statistics").
-- Measured on 10 million clicks: the dashboard over every end hour of a day went from a p95
-- of 70 ms to 40. The fold's statements never reached the threshold. The setting is the
-- database's, so it holds for every process and connection pooler (a startup parameter would
-- be refused by PgBouncer), and for sessions opened after this migration. Where the role may
-- not alter its database, the queries stay correct and only slower: a warning says so.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'clicktrack: could not turn JIT off for database % (%); statistics queries will be slower', current_database(), SQLERRM;
END
$$;
