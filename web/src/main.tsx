import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { takeLaunchToken } from './lib/auth.ts';
import { createQueryClient } from './lib/queries.ts';
import './styles.css';

// /launch#token=…&course=… from the LMS: keep the token in this tab, scrub it from the address bar.
if (location.pathname === '/launch') takeLaunchToken();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
