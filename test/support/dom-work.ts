/**
 * Counts the DOM work a piece of code does, so tests can bound it in operations instead of milliseconds (a timed
 * assertion fails on a loaded 2-core machine for no defect). Two counts, over linkedom's public getters and methods:
 * - steps: single moves through the tree (firstChild, nextSibling, parentNode, ...), each O(1);
 * - subtreeReads: calls that read a whole subtree (textContent, childNodes, children, querySelector*, ...), each
 *   O(size of the subtree). A walk that calls one of these on every element of a deep tower is quadratic.
 * The prototypes are restored when `run` returns or throws.
 */
const STEP_GETTERS = ['firstChild', 'lastChild', 'nextSibling', 'previousSibling', 'parentNode', 'parentElement', 'firstElementChild', 'nextElementSibling'];
const SUBTREE_GETTERS = ['textContent', 'innerText', 'innerHTML', 'outerHTML', 'childNodes', 'children'];
const SUBTREE_METHODS = ['querySelector', 'querySelectorAll', 'getElementsByTagName', 'getElementsByClassName', 'closest'];

export interface DomWork {
  steps: number;
  subtreeReads: number;
}

function ownerOf(start: object, name: string): object | null {
  for (let proto: object | null = start; proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyDescriptor(proto, name)) return proto;
  }
  return null;
}

export function countDomWork<T>(sample: Element, run: () => T): { result: T; work: DomWork } {
  const work: DomWork = { steps: 0, subtreeReads: 0 };
  const restore: (() => void)[] = [];
  const wrap = (name: string, counter: keyof DomWork, kind: 'get' | 'value'): void => {
    const owner = ownerOf(sample, name);
    if (!owner) return;
    const descriptor = Object.getOwnPropertyDescriptor(owner, name) as PropertyDescriptor;
    if (kind === 'get' && descriptor.get) {
      const get = descriptor.get;
      Object.defineProperty(owner, name, { ...descriptor, get(this: unknown) { work[counter]++; return get.call(this); } });
    } else if (kind === 'value' && typeof descriptor.value === 'function') {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(owner, name, { ...descriptor, value(this: unknown, ...args: unknown[]) { work[counter]++; return method.apply(this, args); } });
    } else {
      return;
    }
    restore.push(() => Object.defineProperty(owner, name, descriptor));
  };
  for (const name of STEP_GETTERS) wrap(name, 'steps', 'get');
  for (const name of SUBTREE_GETTERS) wrap(name, 'subtreeReads', 'get');
  for (const name of SUBTREE_METHODS) wrap(name, 'subtreeReads', 'value');
  try {
    return { result: run(), work };
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}
