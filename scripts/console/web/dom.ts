// A tiny element builder: text goes in as text nodes (never as HTML), so API strings cannot inject markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
};

export const append = (parent: Element, ...children: Child[]): void => {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
};

const shown = new WeakMap<Element, string>();

/**
 * Whether `data` differs from what `element` last showed (and remembers it). Polling pages redraw only on change, so
 * a refresh never throws away the keyboard focus or a selection inside a table that did not change.
 */
export const changed = (element: Element, data: unknown): boolean => {
  const key = JSON.stringify(data) ?? 'undefined';
  if (shown.get(element) === key) return false;
  shown.set(element, key);
  return true;
};

export const replaceChildren = (parent: Element, ...children: Child[]): void => {
  parent.replaceChildren();
  append(parent, ...children);
};

/** A labelled form control: the label is a real <label for>, hints and errors are tied with aria-describedby. */
export const field = (
  id: string,
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement => {
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const hintElement = hint === undefined ? null : h('p', { class: 'hint', id: `${id}-hint` }, hint);
  control.setAttribute('aria-describedby', [hintElement ? `${id}-hint` : '', `${id}-error`].join(' ').trim());
  return h(
    'div',
    { class: 'field', 'data-field': id },
    h('label', { for: id }, label),
    control,
    hintElement,
    error,
  );
};

export const select = (
  name: string,
  options: ReadonlyArray<readonly [string, string]>,
  value = '',
): HTMLSelectElement => {
  const element = h('select', { name });
  for (const [optionValue, optionLabel] of options) {
    element.append(h('option', { value: optionValue, selected: optionValue === value }, optionLabel));
  }
  return element;
};

export const table = (
  caption: string,
  headers: readonly string[],
  rows: readonly Child[][],
): HTMLDivElement =>
  h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
    ),
  );
