// A menu button (WAI-ARIA APG "menu button"): Enter, Space or ↓ opens on the first item, ↑ on the
// last; ↑ ↓ Home End move; Escape closes back to the button; Tab closes; a click elsewhere closes.
import { h } from './dom.js';
import { focusInPlace } from './focus.js';

export interface MenuItemSpec {
  text: string;
  onSelect: () => void;
}

export interface Menu {
  /** The wrapper to put in the page. */
  readonly root: HTMLElement;
  readonly button: HTMLButtonElement;
  readonly items: HTMLButtonElement[];
  isOpen(): boolean;
  open(focus: 'first' | 'last'): void;
  close(returnFocus: boolean): void;
}

let menuCount = 0;

/**
 * Builds a closed menu button. A menu item with `aria-disabled="true"` stays focusable (so it
 * can be discovered) but does nothing.
 * @example
 * const menu = createMenu('Actions for CI', [{ text: 'Delete', onSelect: () => askToDelete(token) }], onOpen);
 * cell.append(menu.root);
 */
export function createMenu(label: string, specs: MenuItemSpec[], onOpen: (menu: Menu) => void): Menu {
  const id = `kw-menu-${++menuCount}`;
  const button = h('button', { type: 'button', class: 'icon', part: 'button menu-button', 'aria-label': label, 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': id }, '⋯');
  const items = specs.map((spec) => {
    const item = h('button', { type: 'button', role: 'menuitem', tabindex: '-1', part: 'menuitem' }, spec.text);
    item.addEventListener('click', () => {
      if (item.getAttribute('aria-disabled') === 'true') return;
      menu.close(true);
      spec.onSelect();
    });
    return item;
  });
  const list = h('div', { id, role: 'menu', 'aria-label': label, part: 'menu', class: 'menu-list', hidden: true }, ...items);
  const root = h('div', { class: 'menu' }, button, list);

  // The list opens below its button, or above it when it would end past the bottom of the window
  // and fits above: a row's menu near the bottom then needs no scroll to reach its last item (the
  // page stays where the reader put it).
  const placeList = () => {
    list.classList.remove('up');
    const bottom = list.getBoundingClientRect().bottom;
    const room = button.getBoundingClientRect().top;
    if (bottom > innerHeight && room >= list.offsetHeight + 4) list.classList.add('up');
  };
  const focusAt = (index: number) => focusInPlace(items[(index + items.length) % items.length]);
  const current = () => items.indexOf(root.getRootNode() instanceof ShadowRoot ? ((root.getRootNode() as ShadowRoot).activeElement as HTMLButtonElement) : (document.activeElement as HTMLButtonElement));

  const menu: Menu = {
    root,
    button,
    items,
    isOpen: () => !list.hidden,
    open(focus) {
      onOpen(menu);
      list.hidden = false;
      placeList();
      button.setAttribute('aria-expanded', 'true');
      focusAt(focus === 'first' ? 0 : -1);
    },
    close(returnFocus) {
      if (list.hidden) return;
      list.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      if (returnFocus) focusInPlace(button);
    },
  };

  button.addEventListener('click', () => (menu.isOpen() ? menu.close(true) : menu.open('first')));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      menu.open(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  });
  list.addEventListener('keydown', (event) => {
    const at = current();
    const moves: Record<string, () => void> = {
      ArrowDown: () => focusAt(at + 1),
      ArrowUp: () => focusAt(at - 1),
      Home: () => focusAt(0),
      End: () => focusAt(-1),
      Escape: () => menu.close(true),
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      event.stopPropagation();
      move();
    } else if (event.key === 'Tab') {
      menu.close(false);
    }
  });
  return menu;
}
