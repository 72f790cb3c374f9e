// The top bar: the name, the page's sections, and the project links read from
// /contribute.json (cached for the session, as the original did).

import { useEffect, useState } from 'preact/hooks';
import { Link } from '../router';
import { safeUrl } from '../format';

interface ProjectLinks {
  docs: string | null;
  report: string | null;
  source: string | null;
  license: string;
}

const CACHE_KEY = 'contributeJson';

function linksFrom(c: any): ProjectLinks {
  return {
    docs: safeUrl(c?.participate?.docs),
    report: safeUrl(c?.bugs?.report),
    source: safeUrl(c?.repository?.url),
    license: typeof c?.repository?.license === 'string' ? c.repository.license : '',
  };
}

function useProjectLinks(): ProjectLinks | null {
  const [links, setLinks] = useState<ProjectLinks | null>(() => {
    try {
      const cached = window.sessionStorage.getItem(CACHE_KEY);
      return cached ? linksFrom(JSON.parse(cached)) : null;
    } catch {
      return null;
    }
  });
  useEffect(() => {
    if (links) return;
    const controller = new AbortController();
    fetch('/contribute.json', { signal: controller.signal })
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => {
        if (!c) return;
        try {
          window.sessionStorage.setItem(CACHE_KEY, JSON.stringify(c));
        } catch {
          // Storage may be full or disabled: the links still show.
        }
        setLinks(linksFrom(c));
      })
      .catch(() => {
        // The links are a convenience; the page works without them.
      });
    return () => controller.abort();
  }, []);
  return links;
}

export function Header({ section }: { section: 'search' | 'build' | 'rejected' | 'other' }) {
  const links = useProjectLinks();
  return (
    <header class="site-header">
      <Link href="/" class="brand">
        Buildhub
      </Link>
      <nav class="site-nav">
        <Link href="/" class={section === 'search' ? 'is-current' : ''}>
          Search
        </Link>
        <Link href="/rejected" class={section === 'rejected' ? 'is-current' : ''}>
          Rejected builds
        </Link>
      </nav>
      <nav class="project-links">
        {links?.docs && <a href={links.docs}>Documentation</a>}
        {links?.report && <a href={links.report}>Report a bug</a>}
        {links?.source && (
          <a href={links.source} title={links.license}>
            Source
          </a>
        )}
      </nav>
    </header>
  );
}
