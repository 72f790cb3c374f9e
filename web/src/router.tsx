// A tiny history router: the server answers every extension-less path with
// index.html, so /, /builds/{id} and /rejected are all this page.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  pathname: string;
  search: string;
}

const listeners = new Set<(l: Location) => void>();

function current(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

function notify(): void {
  const l = current();
  for (const listener of listeners) listener(l);
}

window.addEventListener('popstate', notify);

// push: a new history entry (filters, pages); replace: typing in a box.
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  const target = new URL(url, window.location.href);
  const next = target.pathname + target.search + target.hash;
  const now = window.location.pathname + window.location.search + window.location.hash;
  if (next === now) return;
  if (options.replace) window.history.replaceState(null, '', next);
  else window.history.pushState(null, '', next);
  notify();
  if (!options.replace && target.hash === '') window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    listeners.add(setLocation);
    setLocation(current());
    return () => {
      listeners.delete(setLocation);
    };
  }, []);
  return location;
}

// An in-page link: a real <a href> (so it opens in a new tab, copies, and
// works without this script) that navigates without a reload on plain clicks.
interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  id?: string;
  title?: string;
}

export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
