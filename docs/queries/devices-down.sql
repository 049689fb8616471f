-- Devices that reported interfacestatus 'down' in an event-time range (UTC, 'YYYY-MM-DD HH:mm:ss', start included,
-- end excluded), with their number of down records and the first and last of them. Runs unchanged in both engines:
--   npm run lake -- --file docs/queries/devices-down.sql --param '2026-11-21 00:00:00' --param '2026-11-22 00:00:00'
-- (add --athena to run it in the deployed workgroup; both placeholders are passed as strings in both engines).
SELECT
  deviceid,
  model,
  count(*) AS down_records,
  min(replace(substr(event_time, 1, 19), 'T', ' ')) AS first_down,
  max(replace(substr(event_time, 1, 19), 'T', ' ')) AS last_down
FROM raw_telemetry
WHERE interfacestatus = 'down'
  AND replace(substr(event_time, 1, 19), 'T', ' ') >= ?
  AND replace(substr(event_time, 1, 19), 'T', ' ') < ?
GROUP BY deviceid, model
ORDER BY deviceid, model
