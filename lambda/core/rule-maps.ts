/**
 * The device item's maps keyed by rule id (`openAlerts`, `pendingSince`): read into a `Map`, stored as a plain map with
 * the keys the document marshaller mishandles escaped (data-map.ts `storedKey`: a rule id may be `constructor`).
 * Every writer of these attributes (the processor, the silence sweep) goes through these two functions.
 */
import { nameOfStoredKey, storedKey } from './data-map.ts';

/** The stored map as rule id → value; absent = empty. */
export const ruleMapOf = (stored: Readonly<Record<string, string>> | undefined): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(stored ?? {})) {
    const ruleId = nameOfStoredKey(key);
    if (ruleId !== null) map.set(ruleId, value);
  }
  return map;
};

/** The map as stored (keys escaped, in rule id order); undefined when empty, so the attribute is left out. */
export const storedRuleMap = (map: ReadonlyMap<string, string>): Record<string, string> | undefined =>
  map.size === 0
    ? undefined
    : Object.fromEntries(
        [...map]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([ruleId, value]) => [storedKey(ruleId), value]),
      );
