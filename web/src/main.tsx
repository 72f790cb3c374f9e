import { render } from 'preact';
import { Header } from './components/Header';
import { BuildPage } from './pages/BuildPage';
import { RejectedPage } from './pages/RejectedPage';
import { SearchPage } from './pages/SearchPage';
import { Link, useLocation } from './router';
import './styles.css';

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function App() {
  const location = useLocation();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return <SearchPage location={location} />;
  const build = /^\/builds\/([^/]+)$/.exec(path);
  if (build) return <BuildPage key={build[1]} id={safeDecode(build[1])} />;
  if (path === '/rejected') return <RejectedPage location={location} />;
  return (
    <div class="page">
      <Header section="other" />
      <main class="build-page">
        <h1>Page not found</h1>
        <p>
          There is no page at <code>{location.pathname}</code>. <Link href="/">Search the builds</Link>.
        </p>
      </main>
    </div>
  );
}

document.title = 'Buildhub';
render(<App />, document.getElementById('root')!);
