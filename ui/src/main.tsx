// The studio's entry: wire the store to the API client, then render the router inside the providers.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { AppProviders } from './app/AppProviders';
import { bootstrap } from './app/bootstrap';
import { createAppRouter } from './app/router';
import { store } from './app/store';
import './app/global.css';

bootstrap(store);
const router = createAppRouter();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders store={store}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
