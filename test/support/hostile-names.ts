/**
 * Names that break a plain object used as a map (Object.prototype members) and names that collide with the escaped
 * form data-keyed maps store (`~…`): the hostile keys of the property tests.
 */
export const PROTOTYPE_NAMES: readonly string[] = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  '~other',
  '~constructor',
  '~~__proto__',
];
