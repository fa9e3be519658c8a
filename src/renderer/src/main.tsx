import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../shared/dispatch';
import { App } from './app';
import './styles/base.css';
import './styles/pills.css';
import './styles/layout.css';
import './styles/list.css';
import './styles/detail.css';
import './styles/json-tree.css';
import './styles/forms.css';
import './styles/checkup.css';
import { pickTransport } from './transport';

const transport = pickTransport();
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {transport ? (
      <App client={createClient(transport)} />
    ) : (
      <p role="alert" className="no-connection">
        No connection to Hookscope: open the UI address that <code>hookscope serve</code> printed
        (it carries the access token).
      </p>
    )}
  </StrictMode>,
);
