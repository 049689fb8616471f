-- Records per model per event hour (UTC) over the curated table `telemetry`: the same question as
-- records-per-model-per-hour.sql, cheaper (no column is read: the answer comes from the day/hour partitions and the
-- model column), and exact (each record counted once, only records the processor accepts). Runs unchanged locally
-- and in Athena:   npm run lake -- --file docs/queries/records-per-model-per-hour.curated.sql [--athena]
-- Late records: a record is here if it landed in the raw archive within curatedLake.lateHours (default 2) hours and
-- delayMinutes (5) after its event hour closed (docs/DATA_MODEL.md "When, and how late"); later ones are in raw_telemetry only.
SELECT
  model,
  day || ' ' || hour || ':00' AS event_hour,
  count(*) AS records
FROM telemetry
GROUP BY model, day, hour
ORDER BY event_hour, model
