import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../shared/dispatch';
import { App } from './app';
import { pickTransport } from './transport';

const transport = pickTransport();
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {transport ? (
      <App client={createClient(transport)} />
    ) : (
      <p role="alert">
        No connection to Hookscope: open the UI address that <code>hookscope serve</code> printed
        (it carries the access token).
      </p>
    )}
  </StrictMode>,
);
