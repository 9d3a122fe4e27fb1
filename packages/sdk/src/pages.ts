/**
 * Calls `onChange` after every single-page-app navigation: history.pushState and replaceState
 * (which fire no event of their own, hence the wrapping), the back and forward buttons
 * (popstate), and, when asked, hash changes.
 */
export function watchPages(onChange: () => void, hashChanges?: boolean): void {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      onChange();
      return result;
    };
  }
  addEventListener('popstate', onChange);
  if (hashChanges) addEventListener('hashchange', onChange);
}
