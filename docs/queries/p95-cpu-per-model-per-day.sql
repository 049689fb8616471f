-- p95 CPU per model per event day (UTC), by nearest rank: the k-th smallest cpuusage of the day with
-- k = ceil(0.95 × n), i.e. the smallest reading that at least 95% of the day's readings are at or below.
-- Written with row_number() and integer arithmetic so both engines give the same exact value: Athena's
-- approx_percentile is approximate and DuckDB's quantile_cont interpolates, so neither is used.
--   npm run lake -- --file docs/queries/p95-cpu-per-model-per-day.sql [--athena]
WITH readings AS (
  SELECT model, substr(event_time, 1, 10) AS event_day, cpuusage
  FROM raw_telemetry
  WHERE deviceid IS NOT NULL AND event_time IS NOT NULL AND cpuusage IS NOT NULL
),
ranked AS (
  SELECT
    model,
    event_day,
    cpuusage,
    row_number() OVER (PARTITION BY model, event_day ORDER BY cpuusage) AS day_rank,
    count(*) OVER (PARTITION BY model, event_day) AS day_readings
  FROM readings
)
SELECT model, event_day, day_readings AS readings, cpuusage AS p95_cpu
FROM ranked
WHERE 100 * day_rank >= 95 * day_readings AND 100 * (day_rank - 1) < 95 * day_readings
ORDER BY event_day, model
