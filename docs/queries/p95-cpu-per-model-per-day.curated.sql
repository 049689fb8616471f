-- p95 CPU per model per event day (UTC), by nearest rank, over the curated table `telemetry`: the same question as
-- p95-cpu-per-model-per-day.sql (see there for the rank arithmetic), reading two columns and the day partition.
--   npm run lake -- --file docs/queries/p95-cpu-per-model-per-day.curated.sql [--athena]
WITH ranked AS (
  SELECT
    model,
    day AS event_day,
    cpuusage,
    row_number() OVER (PARTITION BY model, day ORDER BY cpuusage) AS day_rank,
    count(*) OVER (PARTITION BY model, day) AS day_readings
  FROM telemetry
)
SELECT model, event_day, day_readings AS readings, cpuusage AS p95_cpu
FROM ranked
WHERE 100 * day_rank >= 95 * day_readings AND 100 * (day_rank - 1) < 95 * day_readings
ORDER BY event_day, model
