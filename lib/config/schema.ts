/**
 * The machinery behind the declarative settings table of lib/config.ts: each setting is one entry (type, range, default,
 * doc) and that entry drives parsing, validation, the defaults and the reference table in docs/ARCHITECTURE.md.
 * A section of settings is an entry too, so a feature adds its keys as one `section({...})` in `lib/config/<name>.ts`
 * and one line in the table.
 */
import { DEFAULT_PROFILE, type OperatingPoint, PROFILES, type ProfileName } from '#lib/profiles.ts';

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects every problem so one synth reports all of them, not just the first. */
export class Checker {
  readonly errors: string[] = [];

  /** The object at `path` (absent = empty), with every key not in `known` reported. */
  section(raw: unknown, path: string, known: readonly string[]): Raw {
    if (raw === undefined) return {};
    if (!isRecord(raw)) {
      this.errors.push(`${path} must be an object, got ${JSON.stringify(raw)}`);
      return {};
    }
    for (const key of Object.keys(raw)) {
      if (!known.includes(key))
        this.errors.push(`${path}.${key} is not a known setting (known: ${known.join(', ')})`);
    }
    return raw;
  }
}

/** A numeric default taken from the operating point (lib/profiles.ts) the `profile` key selects. */
export interface FromProfile {
  readonly profile: keyof OperatingPoint;
}

interface Documented {
  /** One line for the reference table. */
  readonly doc: string;
}

export interface IntSetting extends Documented {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  readonly default: number | FromProfile;
}

export interface BoolSetting extends Documented {
  readonly kind: 'bool';
  readonly default: boolean;
}

export interface OneOfSetting<T extends string> extends Documented {
  readonly kind: 'oneOf';
  readonly values: readonly T[];
  readonly default: T;
  /** Choosing a value selects this operating point for the `FromProfile` defaults (the `profile` key). */
  readonly selectsProfile?: boolean;
}

export interface TextSetting extends Documented {
  readonly kind: 'text';
  readonly pattern: RegExp;
  /** What a valid value is, for the error message and the docs ("a Kafka group id"). */
  readonly what: string;
  readonly default: string;
}

/** A value with its own parser (e.g. an optional object with a cross-field rule). */
export interface CustomSetting<T> extends Documented {
  readonly kind: 'custom';
  readonly default: T;
  /** How the docs show the default and the range. */
  readonly shownDefault: string;
  readonly range: string;
  parse(c: Checker, raw: unknown, path: string): T;
}

export interface SectionSetting<S extends Settings> {
  readonly kind: 'section';
  readonly settings: S;
}

export type Setting =
  | IntSetting
  | BoolSetting
  | OneOfSetting<string>
  | TextSetting
  | CustomSetting<unknown>
  | SectionSetting<Settings>;

export type Settings = { readonly [key: string]: Setting };

/** The typed value a setting (or a section of them) parses to. */
export type ValueOf<S> =
  S extends SectionSetting<infer Inner>
    ? ConfigOf<Inner>
    : S extends IntSetting
      ? number
      : S extends BoolSetting
        ? boolean
        : S extends OneOfSetting<infer T>
          ? T
          : S extends TextSetting
            ? string
            : S extends CustomSetting<infer T>
              ? T
              : never;

export type ConfigOf<S extends Settings> = { readonly [K in keyof S]: ValueOf<S[K]> };

export const int = (spec: Omit<IntSetting, 'kind'>): IntSetting => ({ kind: 'int', ...spec });
export const bool = (spec: Omit<BoolSetting, 'kind'>): BoolSetting => ({ kind: 'bool', ...spec });
export const oneOf = <const T extends string>(spec: {
  readonly values: readonly T[];
  readonly default: NoInfer<T>;
  readonly selectsProfile?: boolean;
  readonly doc: string;
}): OneOfSetting<T> => ({
  kind: 'oneOf',
  ...spec,
});
export const text = (spec: Omit<TextSetting, 'kind'>): TextSetting => ({ kind: 'text', ...spec });
export const custom = <T>(spec: Omit<CustomSetting<T>, 'kind'>): CustomSetting<T> => ({
  kind: 'custom',
  ...spec,
});
export const section = <S extends Settings>(settings: S): SectionSetting<S> => ({
  kind: 'section',
  settings,
});

/** Where defaults come from while parsing: the operating point selected so far. */
interface Scope {
  point: OperatingPoint;
}

const defaultOf = (setting: IntSetting | BoolSetting | OneOfSetting<string> | TextSetting, scope: Scope) => {
  const d = setting.default;
  return typeof d === 'object' ? scope.point[d.profile] : d;
};

const intProblem = (s: IntSetting, value: unknown): string | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= s.min && value <= s.max
    ? null
    : `must be an integer from ${s.min} to ${s.max}`;

/** Why `value` is not valid for a scalar setting, or null. */
const problemOf = (s: IntSetting | BoolSetting | OneOfSetting<string> | TextSetting, value: unknown) => {
  switch (s.kind) {
    case 'int':
      return intProblem(s, value);
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'oneOf':
      return typeof value === 'string' && s.values.includes(value)
        ? null
        : `must be one of ${s.values.join(', ')}`;
    case 'text':
      return typeof value === 'string' && s.pattern.test(value) ? null : `must be ${s.what}`;
  }
};

const parseSetting = (c: Checker, setting: Setting, raw: Raw, path: string, scope: Scope): unknown => {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (setting.kind === 'section') return parseValues(c, setting.settings, raw[key], path, scope);
  if (setting.kind === 'custom') return setting.parse(c, raw[key], path);
  const fallback = defaultOf(setting, scope);
  const value = raw[key] ?? fallback;
  const problem = problemOf(setting, value);
  if (problem === null) return value;
  c.errors.push(`${path} ${problem}, got ${JSON.stringify(value)}`);
  return fallback;
};

/** Reports sections that are not objects and keys the table does not know, sections in the table's order. */
const checkKeys = (c: Checker, settings: Settings, raw: unknown, path: string): void => {
  const object = c.section(raw, path, Object.keys(settings));
  for (const [key, setting] of Object.entries(settings))
    if (setting.kind === 'section') checkKeys(c, setting.settings, object[key], `${path}.${key}`);
};

const parseValues = <S extends Settings>(
  c: Checker,
  settings: S,
  raw: unknown,
  path: string,
  scope: Scope,
) => {
  const object = isRecord(raw) ? raw : {};
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const value = parseSetting(c, setting, object, `${path}.${key}`, scope);
    if (setting.kind === 'oneOf' && setting.selectsProfile) scope.point = PROFILES[value as ProfileName];
    out[key] = value;
  }
  return out as ConfigOf<S>;
};

/**
 * Parses a table: first every unknown key and non-object section, then each setting validated or defaulted in the
 * table's order (a `selectsProfile` setting first, so later defaults come from its operating point).
 */
export const parseSection = <S extends Settings>(
  c: Checker,
  settings: S,
  raw: unknown,
  path: string,
): ConfigOf<S> => {
  checkKeys(c, settings, raw, path);
  return parseValues(c, settings, raw, path, { point: PROFILES[DEFAULT_PROFILE] });
};

/** What every absent key means, with the `FromProfile` defaults of the given operating point. */
export const defaultsOf = <S extends Settings>(settings: S, point: OperatingPoint): ConfigOf<S> =>
  Object.fromEntries(
    Object.entries(settings).map(([key, s]) => [
      key,
      s.kind === 'section'
        ? defaultsOf(s.settings, point)
        : s.kind === 'custom'
          ? s.default
          : defaultOf(s, { point }),
    ]),
  ) as ConfigOf<S>;

const number = (n: number): string => n.toLocaleString('en-US');

const shownDefault = (s: Exclude<Setting, SectionSetting<Settings>>, point: OperatingPoint): string => {
  if (s.kind === 'custom') return s.shownDefault;
  const d = s.default;
  if (typeof d === 'object') return `${number(point[d.profile])} (*profile*)`;
  if (typeof d === 'number') return number(d);
  if (typeof d === 'boolean') return String(d);
  return d === '' ? '`""`' : `\`${d}\``;
};

const rangeOf = (s: Exclude<Setting, SectionSetting<Settings>>): string => {
  switch (s.kind) {
    case 'int':
      return `${number(s.min)}–${number(s.max)}`;
    case 'bool':
      return 'true, false';
    case 'oneOf':
      return s.values.map((v) => `\`${v}\``).join(', ');
    case 'text':
      return s.what;
    case 'custom':
      return s.range;
  }
};

/** The reference table's rows (`| key | default | range | meaning |`), one per setting, sections flattened. */
export const referenceRows = (settings: Settings, point: OperatingPoint, prefix = ''): string[] =>
  Object.entries(settings).flatMap(([key, s]) =>
    s.kind === 'section'
      ? referenceRows(s.settings, point, `${prefix}${key}.`)
      : [`| \`${prefix}${key}\` | ${shownDefault(s, point)} | ${rangeOf(s)} | ${s.doc} |`],
  );
