// The scopes of the catalog grouped by category, one fieldset each, with
// "Select all" / "Deselect all" per category and for the whole catalog (as the
// key pages of the booking platforms this serves do).
//
// A scope the signed-in key does not hold cannot be granted (no escalation),
// and a publishable key holds read scopes only: both are shown but disabled,
// with the reason, rather than hidden, so the admin sees what exists.

import { h, uid } from './dom.js';

const isRead = (scope) => scope.slice(scope.lastIndexOf(':') + 1) === 'read';

/**
 * scopes: the catalog ([{ name, description, category }], in category order);
 * held: the signed-in key's effective scopes; selected: initially checked names.
 * Returns { element, selected(), setPublishable(flag) }.
 */
export function scopePicker({ scopes, held, selected = [] }) {
  const chosen = new Set(selected);
  const boxes = [];
  let publishable = false;

  const count = h('p', { class: 'picker-count', 'aria-live': 'polite' });
  const refreshCount = () => {
    const n = boxes.filter((box) => box.checked).length;
    count.textContent = `${n} of ${boxes.length} scopes selected`;
  };

  const setAll = (list, checked) => {
    for (const box of list) if (!box.disabled) box.checked = checked;
    refreshCount();
  };

  const categories = [];
  for (const scope of scopes) {
    let group = categories.find((c) => c.name === scope.category);
    if (!group) categories.push((group = { name: scope.category, scopes: [] }));
    group.scopes.push(scope);
  }

  const fieldsets = categories.map((category) => {
    const inCategory = [];
    const options = category.scopes.map((scope) => {
      const id = uid('scope');
      const why = h('span', { class: 'scope-why' });
      const box = h('input', {
        type: 'checkbox',
        id,
        name: 'scopes',
        value: scope.name,
        checked: chosen.has(scope.name),
        'aria-describedby': `${id}-description`,
        onchange: refreshCount,
      });
      box.refreshDisabled = () => {
        const reason = !held.has(scope.name)
          ? 'Your key does not hold this scope, so it cannot grant it.'
          : publishable && !isRead(scope.name)
            ? 'Publishable keys hold read scopes only.'
            : '';
        box.disabled = reason !== '';
        if (reason && publishable && held.has(scope.name)) box.checked = false;
        why.textContent = reason ? ` ${reason}` : '';
      };
      boxes.push(box);
      inCategory.push(box);
      return h(
        'div',
        { class: 'scope-option' },
        box,
        h(
          'div',
          {},
          h('label', { for: id }, h('code', {}, scope.name)),
          h('p', { id: `${id}-description`, class: 'hint' }, scope.description, why),
        ),
      );
    });
    return h(
      'fieldset',
      { class: 'category', 'data-category': category.name },
      h('legend', {}, category.name),
      h(
        'div',
        { class: 'category-actions' },
        h('button', { type: 'button', class: 'button button-small', 'aria-label': `Select all ${category.name} scopes`, onclick: () => setAll(inCategory, true) }, 'Select all'),
        h('button', { type: 'button', class: 'button button-small', 'aria-label': `Deselect all ${category.name} scopes`, onclick: () => setAll(inCategory, false) }, 'Deselect all'),
      ),
      options,
    );
  });

  const element = h(
    'fieldset',
    { class: 'scope-picker' },
    h('legend', {}, 'Scopes'),
    h(
      'div',
      { class: 'picker-head' },
      count,
      h(
        'div',
        { class: 'category-actions' },
        h('button', { type: 'button', class: 'button button-small', 'aria-label': 'Select all scopes', onclick: () => setAll(boxes, true) }, 'Select all'),
        h('button', { type: 'button', class: 'button button-small', 'aria-label': 'Deselect all scopes', onclick: () => setAll(boxes, false) }, 'Deselect all'),
      ),
    ),
    h('div', { class: 'categories' }, fieldsets),
  );

  const setPublishable = (flag) => {
    publishable = flag;
    for (const box of boxes) box.refreshDisabled();
    refreshCount();
  };
  setPublishable(false);

  return {
    element,
    selected: () => boxes.filter((box) => box.checked).map((box) => box.value),
    setPublishable,
  };
}
