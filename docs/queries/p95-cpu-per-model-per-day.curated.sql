-- p95 CPU per model per event day (UTC), by nearest rank, over the curated table `telemetry`: the same question and
-- answer as p95-cpu-per-model-per-day.sql (the ceil(0.95 × n)-th smallest reading, i.e. the smallest reading that at
-- least 95% of the day's readings are at or below), computed from counts per distinct reading instead of ranking every
-- row: readings are few distinct values, so the window runs over hundreds of rows, not millions. Reads two columns.
-- Late records: a record is here if it landed in the raw archive within curatedLake.lateHours (default 2) hours and
-- delayMinutes (5) after its event hour closed (docs/DATA_MODEL.md "When, and how late"); later ones are in raw_telemetry only.
--   npm run lake -- --file docs/queries/p95-cpu-per-model-per-day.curated.sql [--athena]
WITH counts AS (
  SELECT model, day, cpuusage, count(*) AS n
  FROM telemetry
  GROUP BY model, day, cpuusage
),
cumulative AS (
  SELECT
    model,
    day,
    cpuusage,
    CAST(sum(n) OVER (PARTITION BY model, day ORDER BY cpuusage ROWS UNBOUNDED PRECEDING) AS BIGINT) AS at_or_below,
    CAST(sum(n) OVER (PARTITION BY model, day) AS BIGINT) AS day_readings
  FROM counts
)
SELECT model, day AS event_day, day_readings AS readings, min(cpuusage) AS p95_cpu
FROM cumulative
WHERE 100 * at_or_below >= 95 * day_readings
GROUP BY model, day, day_readings
ORDER BY event_day, model
