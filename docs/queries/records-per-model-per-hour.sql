-- Records per model per event hour (UTC). Runs unchanged locally (DuckDB) and in Athena:
--   npm run lake -- --file docs/queries/records-per-model-per-hour.sql [--athena]
-- Malformed lines are rows of NULLs in both engines: `deviceid IS NOT NULL` leaves them out.
-- event_time comes as ISO 8601 or as the blog producer's 'YYYY-MM-DD HH:mm:ss': both start with the same 13
-- characters once the 'T' is a space. To read fewer files, add a WHERE on year/month/day/hour (arrival hour).
SELECT
  model,
  replace(substr(event_time, 1, 13), 'T', ' ') || ':00' AS event_hour,
  count(*) AS records
FROM raw_telemetry
WHERE deviceid IS NOT NULL AND event_time IS NOT NULL
GROUP BY model, replace(substr(event_time, 1, 13), 'T', ' ') || ':00'
ORDER BY event_hour, model
