import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { makeClient } from '../../shared/client';
import { App } from './app';
import { ClientContext } from './client-context';
import './styles/base.css';
import './styles/pills.css';
import './styles/layout.css';
import './styles/list.css';
import './styles/detail.css';
import './styles/json-tree.css';
import './styles/forms.css';
import './styles/checkup.css';
import { pickTransport } from './transport';
import { LiveList } from './model/live-list';
import { parseFilter } from '../../shared/filters';

const transport = pickTransport();
const client = transport ? makeClient(transport) : null;
// The list's first page is asked for now, before React renders the page around it: the
// request and the first render overlap (the list the App shows is this one).
const list = client
  ? new LiveList(client, parseFilter(new URLSearchParams(window.location.hash.slice(1))))
  : null;
list?.start();
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {client ? (
      <ClientContext.Provider value={client}>
        <App startedList={list ?? undefined} />
      </ClientContext.Provider>
    ) : (
      <div role="alert" className="no-connection" data-testid="no-connection">
        <p>
          No connection to Hookscope: this browser has no access token for it yet (a bookmark or a
          new tab opened before the first visit, or <code>hookscope serve</code> was restarted with
          a new token).
        </p>
        <p>
          Open the UI address <code>hookscope serve</code> printed when it started (
          <code>http://127.0.0.1:7701/#token=…</code>; with <code>--json</code>, its{' '}
          <code>apiUrl</code> and <code>token</code>) once in this browser. After that, your
          bookmarks of this page work on this machine until the token changes (
          <code>HOOKSCOPE_TOKEN</code> keeps it the same across restarts).
        </p>
      </div>
    )}
  </StrictMode>,
);
