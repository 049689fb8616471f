-- Devices that reported interfacestatus 'down' in an event-time range, over the curated table `telemetry`: the same
-- question and parameters as devices-down.sql ('YYYY-MM-DD HH:mm:ss' UTC, start included, end excluded), reading
-- four typed columns instead of every raw line; event_time is a timestamp, so the range is a comparison.
-- Late records: a record is here if it landed in the raw archive within curatedLake.lateHours (default 2) hours and
-- delayMinutes (5) after its event hour closed (docs/DATA_MODEL.md "When, and how late"); later ones are in raw_telemetry only.
--   npm run lake -- --file docs/queries/devices-down.curated.sql --param '2026-11-21 00:00:00' --param '2026-11-22 00:00:00'
SELECT
  deviceid,
  model,
  count(*) AS down_records,
  min(substr(CAST(event_time AS VARCHAR), 1, 19)) AS first_down,
  max(substr(CAST(event_time AS VARCHAR), 1, 19)) AS last_down
FROM telemetry
WHERE interfacestatus = 'down'
  AND event_time >= CAST(? AS TIMESTAMP)
  AND event_time < CAST(? AS TIMESTAMP)
GROUP BY deviceid, model
ORDER BY deviceid, model
