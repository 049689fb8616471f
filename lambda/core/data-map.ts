/**
 * Maps keyed by data (a model name, a status, a registry attribute): built without a prototype, so a key such as
 * `constructor`, `toString` or `__proto__` is an ordinary key, and stored with two names escaped, because the AWS
 * SDK's document marshaller cannot keep them as map keys (`__proto__` is dropped, a `constructor` key makes the whole
 * map unmarshallable). See docs/DATA_MODEL.md ("Data-keyed maps").
 */

/** A map from data to numbers, as items store it: escaped keys (see `storedKey`), null prototype in memory. */
export type Counts = Record<string, number>;

/** Where counts go once a map holds `MAX_COUNT_KEYS` keys or `MAX_COUNT_KEY_BYTES` of key text. */
export const OVERFLOW_KEY = '~other';
export const MAX_COUNT_KEYS = 1000;
export const MAX_COUNT_KEY_BYTES = 64 * 1024;

/** An empty map with no prototype: nothing inherited can be read or overwritten through a key. */
export const nullMap = <V>(): Record<string, V> => Object.create(null) as Record<string, V>;

// The two names the SDK's marshaller mishandles; `~` is escaped too so escaping stays reversible.
const needsEscape = (name: string): boolean =>
  name.startsWith('~') || name === '__proto__' || name === 'constructor';

/** The map key a name is stored under: `~` prepended to `__proto__`, `constructor` and names starting with `~`. */
export const storedKey = (name: string): string => (needsEscape(name) ? `~${name}` : name);

/** The name a stored key stands for; `OVERFLOW_KEY` has none (null): it holds the counts beyond the bounds. */
export const nameOfStoredKey = (key: string): string | null =>
  key === OVERFLOW_KEY ? null : key.startsWith('~') ? key.slice(1) : key;

/** A stored map as readers show it: counts by name (decoded keys), and the count of names that did not fit. */
export const readCounts = (
  stored: Readonly<Record<string, unknown>> | undefined,
): { byName: Map<string, number>; overflow: number } => {
  const byName = new Map<string, number>();
  let overflow = 0;
  for (const [key, count] of Object.entries(countsFrom(stored))) {
    const name = nameOfStoredKey(key);
    if (name === null) overflow += count;
    else byName.set(name, count);
  }
  return { byName, overflow };
};

/** Own numeric entries of a stored map (as read, any prototype) copied into a null-prototype map. */
const countsFrom = (stored: Readonly<Record<string, unknown>> | undefined): Counts => {
  const out = nullMap<number>();
  if (stored === undefined || stored === null) return out;
  for (const [key, value] of Object.entries(stored)) if (typeof value === 'number') out[key] = value;
  return out;
};

const keyBytes = (key: string): number => Buffer.byteLength(key, 'utf8');

/**
 * Adds each change (by name) to the stored counts, dropping zeros. A name gets its own key while the map stays within
 * its bounds; beyond them it is counted under `OVERFLOW_KEY` (totals stay exact, that name's own count does not).
 */
export const mergeCounts = (
  stored: Readonly<Record<string, unknown>> | undefined,
  change: ReadonlyMap<string, number>,
): Counts => {
  const out = countsFrom(stored);
  let keys = 0;
  let bytes = 0;
  for (const key of Object.keys(out)) {
    keys += 1;
    bytes += keyBytes(key);
  }
  for (const [name, by] of change) {
    if (by === 0) continue;
    let key = storedKey(name);
    if (!Object.hasOwn(out, key) && (keys >= MAX_COUNT_KEYS || bytes + keyBytes(key) > MAX_COUNT_KEY_BYTES))
      key = OVERFLOW_KEY;
    const existed = Object.hasOwn(out, key);
    const value = (out[key] ?? 0) + by;
    if (value !== 0) {
      if (!existed) {
        keys += 1;
        bytes += keyBytes(key);
      }
      out[key] = value;
    } else if (existed) {
      delete out[key];
      keys -= 1;
      bytes -= keyBytes(key);
    }
  }
  return out;
};

/** Adds `by` to a name's count in a Map (deltas are gathered in Maps, then merged once per item). */
export const bump = (map: Map<string, number>, name: string, by: number): void => {
  map.set(name, (map.get(name) ?? 0) + by);
};
